import { Readable } from 'node:stream';
import busboy from 'busboy';
import { Request, Response } from 'express';
import { ArchivoEntrante } from '../ports/documents-api';
import { invalidField, MalformedFormError, UploadTooLargeError } from './api-errors';

export interface FormLimits {
  /** The largest file, as documents' DOCUMENT_MAX_BYTES. */
  readonly maxFileBytes: number;
  readonly maxFiles: number;
}

export type FormPart =
  | { readonly kind: 'field'; readonly name: string; readonly value: string }
  | { readonly kind: 'file'; readonly field: string; readonly archivo: ArchivoEntrante };

export const MULTIPART = 'multipart/form-data';

/** Room for the fields and the parts' headers beside the files themselves. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 16 * 1024;

type Event =
  | FormPart
  | {
      readonly kind: 'rawFile';
      readonly field: string;
      readonly stream: Readable;
      readonly nombre?: string;
    }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'end' };

/**
 * busboy decodes names and values as UTF-8 and puts U+FFFD where the bytes are not: such text
 * is refused rather than stored garbled (nobody types U+FFFD itself).
 */
const notUtf8 = (text: string): boolean => text.includes('\uFFFD');
const NOT_UTF8 = 'no es texto UTF-8 válido';

export const isMultipart = (req: Request): boolean => req.is(MULTIPART) === MULTIPART;

/**
 * The parts of a multipart/form-data body (checked to be one by the route) in the order they arrive, without buffering a file:
 * each file part is handed out as a stream that must be read (or left) before the next part
 * is parsed. A file over `maxFileBytes` fails its stream with a 413 before more than that many
 * bytes have gone anywhere. Stopping early (an error, a refusal) stops parsing and lets the
 * rest of the request drain, so the answer can still be sent.
 */
export async function* formParts(
  req: Request,
  res: Response,
  limits: FormLimits,
): AsyncGenerator<FormPart> {
  const declared = Number(req.header('content-length'));
  if (declared > limits.maxFiles * limits.maxFileBytes + FORM_OVERHEAD_BYTES) {
    throw new UploadTooLargeError(limits.maxFileBytes);
  }
  const parser = parserFor(req, limits);
  const events: Event[] = [];
  let wake: (() => void) | undefined;
  const push = (event: Event): void => {
    events.push(event);
    wake?.();
  };
  parser.on('field', (name, value, info) =>
    push(
      info.valueTruncated || info.nameTruncated
        ? { kind: 'error', error: invalidField(name, 'Es demasiado largo') }
        : notUtf8(value)
          ? { kind: 'error', error: invalidField(name, NOT_UTF8) }
          : { kind: 'field', name, value },
    ),
  );
  parser.on('file', (field, stream, info) => {
    // Its failures reach us as the parser's 'error'; this keeps an unread one from crashing.
    stream.on('error', () => undefined);
    push(
      notUtf8(info.filename ?? '')
        ? { kind: 'error', error: invalidField(field, `El nombre del archivo: ${NOT_UTF8}`) }
        : { kind: 'rawFile', field, stream, nombre: info.filename },
    );
  });
  parser.on('filesLimit', () =>
    push({ kind: 'error', error: invalidField('files', `Como mucho ${limits.maxFiles} archivos`) }),
  );
  const tooMany = () =>
    push({ kind: 'error', error: new MalformedFormError('tiene demasiadas partes') });
  parser.on('fieldsLimit', tooMany);
  parser.on('partsLimit', tooMany);
  parser.on('error', (error) =>
    push({ kind: 'error', error: new MalformedFormError(describe(error)) }),
  );
  parser.on('close', () => push({ kind: 'end' }));
  req.pipe(parser);
  let ended = false;
  try {
    for (;;) {
      while (events.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const event = events.shift() as Event;
      if (event.kind === 'end') {
        ended = true;
        return;
      }
      if (event.kind === 'error') throw event.error;
      if (event.kind !== 'rawFile') {
        yield event;
        continue;
      }
      // A browser sends an empty file input as a part with an empty file name: no file.
      if (event.nombre !== '') {
        const contenido = limited(event.stream, limits.maxFileBytes);
        yield {
          kind: 'file',
          field: event.field,
          archivo: { nombre: event.nombre ?? '', contenido },
        };
      }
      event.stream.resume(); // whatever was left unread, so parsing goes on
    }
  } finally {
    if (!ended) {
      req.unpipe(parser);
      if (!req.complete) {
        res.setHeader('connection', 'close');
        req.resume();
      }
    }
  }
}

function parserFor(req: Request, limits: FormLimits): busboy.Busboy {
  try {
    return busboy({
      headers: req.headers,
      // File names come in UTF-8, as browsers and fetch send them (busboy assumes latin1).
      defParamCharset: 'utf8',
      limits: {
        // One byte over the limit is enough to know it is over (see `limited`).
        fileSize: limits.maxFileBytes + 1,
        files: limits.maxFiles,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
        parts: limits.maxFiles + MAX_FIELDS,
      },
    });
  } catch (error) {
    throw new MalformedFormError(describe(error));
  }
}

/** The file's bytes, failing before the first byte past `maxBytes` is handed on. */
async function* limited(stream: Readable, maxBytes: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Uint8Array).length;
    if (size > maxBytes) throw new UploadTooLargeError(maxBytes);
    yield chunk as Uint8Array;
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

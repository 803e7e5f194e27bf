import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentTooLargeError, describeError, DomainError } from '@expedientes/shared-kernel';
import { actorOf, handle, requestContext } from '@expedientes/shared-kernel/adapters/runtime';
import express, { type Request, type Response } from 'express';
import { NombreDeDocumentoInvalido } from '../../domain/errores';
import { DocumentsEndpoints, EndpointCaller } from '../api/documents-endpoints';
import { attachment } from './content-disposition';

/** From the `x-file-name` header (URI-encoded, so any name fits in a header) or `?nombre=`. */
function nombreDe(req: Request): string | undefined {
  const header = req.header('x-file-name');
  if (header === undefined) {
    return typeof req.query.nombre === 'string' ? req.query.nombre : undefined;
  }
  try {
    return decodeURIComponent(header);
  } catch {
    throw new NombreDeDocumentoInvalido('La cabecera x-file-name no está bien codificada (URI)');
  }
}

function versionDe(req: Request): number | undefined {
  const { version } = req.query;
  if (version === undefined) return undefined;
  if (typeof version !== 'string' || !/^[1-9][0-9]{0,8}$/.test(version)) {
    throw new DomainError(
      'DOCUMENTS.VERSION_INVALID',
      'invalid',
      'La versión debe ser un número entero positivo',
    );
  }
  return Number(version);
}

/** The client went away before it had sent the whole content: its mistake, not ours. */
class UploadCutOffError extends DomainError {
  constructor() {
    super(
      'DOCUMENTS.UPLOAD_CUT_OFF',
      'invalid',
      'El contenido llegó incompleto: se dejó de enviar antes de su final',
    );
  }
}

/**
 * Hands the raw request body to `work` as a stream. Through a stream of its own: a store that
 * stops reading (content too large) destroys what it reads, and destroying the request itself
 * would cut the connection before the answer saying why.
 */
async function conCuerpo<T>(
  req: Request,
  res: Response,
  maxBytes: number,
  work: (contenido: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T> {
  if (req.body !== undefined) {
    // The JSON parser in front of every route took it: the bytes are gone.
    throw Object.assign(
      new Error('Envíe el contenido del documento tal cual, como application/octet-stream'),
      { status: 415, expose: true },
    );
  }
  if (Number(req.header('content-length')) > maxBytes) throw new ContentTooLargeError(maxBytes);
  const cuerpo = new PassThrough();
  // pipe() does not pass on a client that hung up mid-body: the store would wait for the
  // rest for ever, holding its partial file open (and shutdown waiting for this request).
  const cortado = (): void => {
    if (!req.complete) cuerpo.destroy(new UploadCutOffError());
  };
  req.once('close', cortado);
  req.once('error', cortado);
  req.pipe(cuerpo);
  try {
    return await work(cuerpo);
  } catch (error) {
    req.unpipe(cuerpo);
    cuerpo.destroy();
    if (!req.complete) {
      // The rest is not wanted: drain what arrives while the answer goes out, then hang up.
      res.setHeader('connection', 'close');
      req.resume();
    }
    throw error;
  }
}

const callerOf = (res: Response): EndpointCaller => ({
  actor: actorOf(res),
  correlationId: requestContext(res).correlationId,
});

/**
 * The documents' internal HTTP API: raw uploads named by `x-file-name`; the gateway puts
 * multipart uploads in front of it. An upload's roles are checked before anything of it is
 * read, then a body declared longer than `maxBytes` is refused before a byte is read.
 */
export function documentsRouter(endpoints: DocumentsEndpoints, maxBytes: number): express.Router {
  const router = express.Router();

  router.post(
    '/documents',
    handle(async (req, res) => {
      const caller = callerOf(res);
      endpoints.mayUpload(caller);
      const nombre = nombreDe(req);
      const documento = await conCuerpo(req, res, maxBytes, (contenido) =>
        endpoints.upload({ nombre, contenido }, caller),
      );
      res.status(201).location(`${req.baseUrl}/documents/${documento.documentId}`);
      res.json(documento);
    }),
  );

  router.post(
    '/documents/:id/versions',
    handle(async (req, res) => {
      const caller = callerOf(res);
      endpoints.mayUpload(caller);
      const nombre = nombreDe(req);
      const documento = await conCuerpo(req, res, maxBytes, (contenido) =>
        endpoints.uploadVersion(String(req.params.id), { nombre, contenido }, caller),
      );
      const { documentId, version } = documento;
      res.status(201).location(`${req.baseUrl}/documents/${documentId}/content?version=${version}`);
      res.json(documento);
    }),
  );

  router.get(
    '/documents/:id',
    handle(async (req, res) => {
      res.json(await endpoints.get(String(req.params.id), callerOf(res)));
    }),
  );

  router.get(
    '/documents/:id/content',
    handle(async (req, res) => {
      const { version, contenido } = await endpoints.download(
        String(req.params.id),
        versionDe(req),
        callerOf(res),
      );
      res.set({
        'content-type': version.mediaType,
        'content-length': String(version.size),
        'content-disposition': attachment(version.nombre),
        // A version's bytes never change, and its digest names them exactly.
        etag: `"${version.sha256}"`,
        'cache-control': 'private, no-cache',
        'x-content-type-options': 'nosniff',
      });
      if (req.fresh || req.method === 'HEAD') {
        contenido.destroy();
        res.status(req.fresh ? 304 : 200).end();
        return;
      }
      try {
        await pipeline(contenido, res);
      } catch (error) {
        if (!res.headersSent) throw error;
        // The client went away, or the store failed midway: the response is cut short.
        requestContext(res).logger.warn({ error: describeError(error) }, 'download interrupted');
      }
    }),
  );

  return router;
}

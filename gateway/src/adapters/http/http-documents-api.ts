import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { documento } from '../../model/documents';
import { CallContext } from '../../ports/caller';
import {
  ArchivoEntrante,
  ContenidoDeDocumento,
  DocumentsApi,
  PeticionDeContenido,
} from '../../ports/documents-api';
import { ServiceClient, ServiceRequest } from './service-client';

const documentPath = (documentId: string): string => `/documents/${encodeURIComponent(documentId)}`;

/**
 * A new document up to this size is read whole before it is sent, so that an upload lost
 * with a replica of documents can go to another; a larger one streams, and is not retried.
 */
export const RETRIED_UPLOAD_BYTES = 1024 * 1024;

/** The whole content when it ends within `limit` bytes; else all of it again, as a stream. */
async function inHandUpTo(
  source: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<{ bytes: Uint8Array } | { stream: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const read: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { bytes: Buffer.concat(read) };
    read.push(next.value);
    size += next.value.byteLength;
    if (size > limit) {
      return {
        stream: (async function* () {
          yield* read;
          for (let more = await iterator.next(); !more.done; more = await iterator.next()) {
            yield more.value;
          }
        })(),
      };
    }
  }
}

/** What describes a version's bytes, passed on to whoever downloads them. */
const contentHeaders = [
  'content-type',
  'content-length',
  'content-disposition',
  'etag',
  'cache-control',
  'x-content-type-options',
];

/**
 * The documents service's internal API: raw uploads named by `x-file-name`, streamed both ways
 * (but a small new document, read whole first so that it can be sent again).
 */
export class HttpDocumentsApi implements DocumentsApi {
  constructor(private readonly client: ServiceClient) {}

  async upload(archivo: ArchivoEntrante, call: CallContext) {
    const content = await inHandUpTo(archivo.contenido, RETRIED_UPLOAD_BYTES);
    return 'bytes' in content
      ? this.store('/documents', archivo.nombre, { bytes: content.bytes, repeatable: true }, call)
      : this.store('/documents', archivo.nombre, { body: content.stream }, call);
  }

  uploadVersion(documentId: string, archivo: ArchivoEntrante, call: CallContext) {
    // A version sent twice would be two versions: it streams, and is tried once.
    const path = `${documentPath(documentId)}/versions`;
    return this.store(path, archivo.nombre, { body: archivo.contenido }, call);
  }

  async get(documentId: string, call: CallContext) {
    const reply = await this.client.send(documentPath(documentId), {}, call);
    return this.client.parse(documento, reply.json);
  }

  async download(peticion: PeticionDeContenido, call: CallContext): Promise<ContenidoDeDocumento> {
    const response = await this.client.stream(
      `${documentPath(peticion.documentId)}/content`,
      {
        query: { version: peticion.version },
        headers: { 'if-none-match': peticion.ifNoneMatch },
      },
      call,
    );
    const headers: Record<string, string> = {};
    for (const name of contentHeaders) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const status = response.status === 304 ? 304 : 200;
    const body =
      status === 200 && response.body
        ? Readable.fromWeb(response.body as ReadableStream<Uint8Array>)
        : null;
    if (!body) await response.body?.cancel();
    return { status, headers, body };
  }

  private async store(
    path: string,
    nombre: string,
    content: Pick<ServiceRequest, 'body' | 'bytes' | 'repeatable'>,
    call: CallContext,
  ) {
    const reply = await this.client.send(
      path,
      {
        method: 'POST',
        ...content,
        headers: {
          'content-type': 'application/octet-stream',
          // URI-encoded, so that any file name fits in a header.
          'x-file-name': encodeURIComponent(nombre),
        },
      },
      call,
    );
    return this.client.parse(documento, reply.json);
  }
}

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
import { ServiceClient } from './service-client';

const documentPath = (documentId: string): string => `/documents/${encodeURIComponent(documentId)}`;

/** What describes a version's bytes, passed on to whoever downloads them. */
const contentHeaders = [
  'content-type',
  'content-length',
  'content-disposition',
  'etag',
  'cache-control',
  'x-content-type-options',
];

/** The documents service's internal API: raw uploads named by `x-file-name`, streamed both ways. */
export class HttpDocumentsApi implements DocumentsApi {
  constructor(private readonly client: ServiceClient) {}

  upload(archivo: ArchivoEntrante, call: CallContext) {
    return this.store('/documents', archivo, call);
  }

  uploadVersion(documentId: string, archivo: ArchivoEntrante, call: CallContext) {
    return this.store(`${documentPath(documentId)}/versions`, archivo, call);
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
        headers: {
          'if-none-match': peticion.ifNoneMatch,
          // fetch marks a conditional request `no-cache` unless told otherwise, and then no
          // server may answer 304; max-age=0 asks for the same revalidation.
          ...(peticion.ifNoneMatch ? { 'cache-control': 'max-age=0' } : {}),
        },
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

  private async store(path: string, archivo: ArchivoEntrante, call: CallContext) {
    const reply = await this.client.send(
      path,
      {
        method: 'POST',
        body: archivo.contenido,
        headers: {
          'content-type': 'application/octet-stream',
          // URI-encoded, so that any file name fits in a header.
          'x-file-name': encodeURIComponent(archivo.nombre),
        },
      },
      call,
    );
    return this.client.parse(documento, reply.json);
  }
}

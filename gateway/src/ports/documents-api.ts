import { Readable } from 'node:stream';
import { Documento } from '../model/documents';
import { CallContext } from './caller';

/** A file as it arrives from the client: read once, as it streams in. */
export interface ArchivoEntrante {
  readonly nombre: string;
  readonly contenido: AsyncIterable<Uint8Array>;
}

export interface PeticionDeContenido {
  readonly documentId: string;
  /** The latest version when absent. */
  readonly version?: number;
  /** The ETag the client already has: an unchanged version answers 304 without content. */
  readonly ifNoneMatch?: string;
}

/** A version's bytes with the headers that describe them (type, length, name, ETag). */
export interface ContenidoDeDocumento {
  readonly status: 200 | 304;
  readonly headers: Readonly<Record<string, string>>;
  /** Null for a 304. */
  readonly body: Readable | null;
}

/** The documents service: content, metadata and versions of the documents. */
export interface DocumentsApi {
  /** Stores a new document, staged until an expediente claims it. */
  upload(archivo: ArchivoEntrante, call: CallContext): Promise<Documento>;
  uploadVersion(
    documentId: string,
    archivo: ArchivoEntrante,
    call: CallContext,
  ): Promise<Documento>;
  get(documentId: string, call: CallContext): Promise<Documento>;
  download(peticion: PeticionDeContenido, call: CallContext): Promise<ContenidoDeDocumento>;
}

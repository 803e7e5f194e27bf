import type { DocumentsEndpoints } from '@expedientes/documents';
import { documento } from '../../model/documents';
import { CallContext } from '../../ports/caller';
import {
  ArchivoEntrante,
  ContenidoDeDocumento,
  DocumentsApi,
  PeticionDeContenido,
} from '../../ports/documents-api';
import { InProcessService } from './in-process-service';

/** A change, answered once on the disk, whose deadline runs once its last byte is in. */
const UPLOAD = { change: true, deadlineOnceSent: true };

/** `source` as it is, calling `ended` once its last chunk has been read. */
async function* endingWith(
  source: AsyncIterable<Uint8Array>,
  ended: () => void,
): AsyncIterable<Uint8Array> {
  yield* source;
  ended();
}

/**
 * The documents service's endpoints, called in this process (see InProcessService): an
 * upload streams into its store as it arrives, its deadline running once the last byte is in.
 * Downloads go to `downloads`, the service's HTTP handler, whose answer is HTTP in its own
 * right (conditional requests, the headers that describe the bytes) and is passed on as it is.
 */
export class InProcessDocumentsApi implements DocumentsApi {
  constructor(
    private readonly endpoints: DocumentsEndpoints,
    private readonly service: InProcessService,
    private readonly downloads: Pick<DocumentsApi, 'download'>,
  ) {}

  async upload(archivo: ArchivoEntrante, call: CallContext) {
    const subido = await this.service.call(
      call,
      (caller, sent) =>
        this.endpoints.upload(
          { nombre: archivo.nombre, contenido: endingWith(archivo.contenido, sent) },
          caller,
        ),
      UPLOAD,
    );
    return this.service.answer(documento, subido);
  }

  async uploadVersion(documentId: string, archivo: ArchivoEntrante, call: CallContext) {
    const subido = await this.service.call(
      call,
      (caller, sent) =>
        this.endpoints.uploadVersion(
          documentId,
          { nombre: archivo.nombre, contenido: endingWith(archivo.contenido, sent) },
          caller,
        ),
      UPLOAD,
    );
    return this.service.answer(documento, subido);
  }

  async get(documentId: string, call: CallContext) {
    const vista = await this.service.call(call, (caller) => this.endpoints.get(documentId, caller));
    return this.service.answer(documento, vista);
  }

  download(peticion: PeticionDeContenido, call: CallContext): Promise<ContenidoDeDocumento> {
    return this.downloads.download(peticion, call);
  }
}

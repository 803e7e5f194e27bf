import type { ArchivoSubido, DocumentsEndpoints } from '@expedientes/documents';
import { documento } from '../../model/documents';
import { CallContext } from '../../ports/caller';
import {
  ArchivoEntrante,
  ContenidoDeDocumento,
  DocumentsApi,
  PeticionDeContenido,
} from '../../ports/documents-api';
import { StreamedBody } from '../http/service-client';
import { InProcessCaller, InProcessService } from './in-process-service';

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

  upload(archivo: ArchivoEntrante, call: CallContext) {
    return this.store(archivo, call, (subido, caller) => this.endpoints.upload(subido, caller));
  }

  uploadVersion(documentId: string, archivo: ArchivoEntrante, call: CallContext) {
    return this.store(archivo, call, (subido, caller) =>
      this.endpoints.uploadVersion(documentId, subido, caller),
    );
  }

  get(documentId: string, call: CallContext) {
    return this.service.read(call, documento, (caller) => this.endpoints.get(documentId, caller));
  }

  download(peticion: PeticionDeContenido, call: CallContext): Promise<ContenidoDeDocumento> {
    return this.downloads.download(peticion, call);
  }

  /** `send` with the file as it streams in; should the file itself fail, that is the answer. */
  private async store(
    archivo: ArchivoEntrante,
    call: CallContext,
    send: (subido: ArchivoSubido, caller: InProcessCaller) => Promise<unknown>,
  ) {
    let body: StreamedBody | undefined;
    try {
      return await this.service.change(
        call,
        documento,
        (caller, sent) => {
          body = new StreamedBody(archivo.contenido, sent);
          return send({ nombre: archivo.nombre, contenido: body.chunks() }, caller);
        },
        { deadlineOnceSent: true },
      );
    } catch (error) {
      // An upload over the limit, a form cut short: the store may have wrapped it in its own.
      throw body?.failure ?? error;
    }
  }
}

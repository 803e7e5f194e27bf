import { DomainError } from '@expedientes/shared-kernel';
import { Documento } from '../model/documents';
import { CallContext } from '../ports/caller';
import { ArchivoEntrante, DocumentsApi } from '../ports/documents-api';

export class DocumentoDeOtroExpedienteError extends DomainError {
  constructor(expedienteId: string, documentId: string) {
    super(
      'API.DOCUMENTO_NO_ES_DEL_EXPEDIENTE',
      'not_found',
      `El expediente ${expedienteId} no tiene el documento ${documentId}`,
      { expedienteId, documentId },
    );
  }
}

/**
 * Uploads a new version of one of an expediente's documents. documents keeps the versions;
 * expedientes learns of the new one from its event.
 */
export class AddDocumentVersion {
  constructor(private readonly documents: DocumentsApi) {}

  async execute(
    expedienteId: string,
    documentId: string,
    archivo: ArchivoEntrante,
    call: CallContext,
  ): Promise<Documento> {
    const documento = await this.documents.get(documentId, call);
    if (documento.expedienteId !== expedienteId) {
      throw new DocumentoDeOtroExpedienteError(expedienteId, documentId);
    }
    return this.documents.uploadVersion(documentId, archivo, call);
  }
}

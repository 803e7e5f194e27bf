import { DomainError } from '@expedientes/shared-kernel';
import { Documento } from '../model/documents';
import { CallContext } from '../ports/caller';
import { ArchivoEntrante, DocumentsApi } from '../ports/documents-api';
import { ExpedientesApi } from '../ports/expedientes-api';

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

export class ExpedienteCerradoError extends DomainError {
  constructor(expedienteId: string, estado: string) {
    super(
      'API.EXPEDIENTE_CERRADO',
      'rule',
      `El expediente ${expedienteId} está ${estado}: sus documentos ya no cambian`,
      { expedienteId, estado },
    );
  }
}

/** An expediente in these states changes no more, its documents included. */
const CERRADOS = new Set(['finalizado', 'creacion_rechazada']);

/**
 * Uploads a new version of one of an expediente's documents, while the expediente is open.
 * documents keeps the versions; expedientes learns of the new one from its event.
 */
export class AddDocumentVersion {
  constructor(
    private readonly documents: DocumentsApi,
    private readonly expedientes: ExpedientesApi,
  ) {}

  async execute(
    expedienteId: string,
    documentId: string,
    archivo: ArchivoEntrante,
    call: CallContext,
  ): Promise<Documento> {
    const [documento, expediente] = await Promise.all([
      this.documents.get(documentId, call),
      this.expedientes.get(expedienteId, {}, call),
    ]);
    if (documento.expedienteId !== expedienteId) {
      throw new DocumentoDeOtroExpedienteError(expedienteId, documentId);
    }
    // The detail shows every change that has answered: a finished one is seen at once.
    if (CERRADOS.has(expediente.estado)) {
      throw new ExpedienteCerradoError(expedienteId, expediente.estado);
    }
    return this.documents.uploadVersion(documentId, archivo, call);
  }
}

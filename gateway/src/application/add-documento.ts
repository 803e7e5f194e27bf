import { DocumentoAdjuntado, Outcome } from '../model/expedientes';
import { CallContext } from '../ports/caller';
import { ArchivoEntrante, DocumentsApi } from '../ports/documents-api';
import { ExpedientesApi } from '../ports/expedientes-api';

/**
 * Adds a new document to an expediente: stores the file in documents as it streams in, then
 * has expedientes attach it, which checks the expediente (exists, still open) on its event
 * store. A refused attachment leaves the upload staged, for documents' sweeper. (The detail
 * view is not asked first: it follows the events a moment later, and would deny an
 * expediente opened a moment ago.)
 */
export class AddDocumento {
  constructor(
    private readonly documents: DocumentsApi,
    private readonly expedientes: ExpedientesApi,
  ) {}

  async execute(
    expedienteId: string,
    archivo: ArchivoEntrante,
    call: CallContext,
  ): Promise<Outcome<DocumentoAdjuntado>> {
    const documento = await this.documents.upload(archivo, call);
    return this.expedientes.attachDocumento(expedienteId, documento.documentId, call);
  }
}

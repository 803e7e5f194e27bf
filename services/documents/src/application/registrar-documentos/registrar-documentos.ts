import { type Clock, documents, type Envelope } from '@expedientes/shared-kernel';
import { liberarDeExpediente, registrarEnExpediente } from '../../domain/documento';
import { DocumentoNoEncontrado, DocumentoYaRegistrado } from '../../domain/errores';
import type { DocumentoRepository } from '../documento-repository';
import { documentoPublicado, type MensajesDeDocumentos, type PayloadDe } from '../mensajes';

export type RegisterDocumentsCommand = Envelope<PayloadDe<typeof documents.RegisterDocuments>>;

/**
 * The OpenExpediente step that claims the documents for the expediente: all of them, or none
 * and a failure reply that says why. Naturally idempotent: the same command again finds its
 * documents claimed by this expediente and answers the same.
 */
export class RegistrarDocumentos {
  constructor(
    private readonly documentos: DocumentoRepository,
    private readonly mensajes: MensajesDeDocumentos,
    private readonly clock: Clock,
  ) {}

  async ejecutar(comando: RegisterDocumentsCommand): Promise<void> {
    const { sagaId, expedienteId } = comando.payload;
    const documentIds = [...new Set(comando.payload.documentIds)];
    const encontrados = await this.documentos.buscarVarios(documentIds);
    const causa = { actor: comando.actor, causedBy: comando };
    try {
      const registrados = registrarEnExpediente(expedienteId, documentIds, encontrados);
      const respuesta = this.mensajes.respuesta(documents.DocumentsRegistered, comando, {
        sagaId,
        expedienteId,
        documentos: registrados.map((documento) =>
          documentoPublicado(documento.id, documento.ultimaVersion),
        ),
      });
      const eventos = registrados.flatMap((documento) => documento.extraerEventos());
      await this.documentos.guardar(registrados, [
        ...this.mensajes.deEventos(eventos, causa),
        respuesta,
      ]);
    } catch (error) {
      if (!(error instanceof DocumentoNoEncontrado || error instanceof DocumentoYaRegistrado)) {
        throw error;
      }
      // A failure claims none: an earlier run of this command that stopped between the
      // writes of a store without transactions may have claimed some; they go back.
      const liberados = liberarDeExpediente(expedienteId, encontrados, this.clock());
      const respuesta = this.mensajes.respuesta(documents.DocumentsRegistrationFailed, comando, {
        sagaId,
        code: error.code,
        reason: error.message,
        documentIds: [...error.documentIds],
      });
      const eventos = liberados.flatMap((documento) => documento.extraerEventos());
      await this.documentos.guardar(liberados, [
        ...this.mensajes.deEventos(eventos, causa),
        respuesta,
      ]);
    }
  }
}

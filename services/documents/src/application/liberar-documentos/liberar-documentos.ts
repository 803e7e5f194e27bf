import { type Clock, documents, type Envelope } from '@expedientes/shared-kernel';
import { liberarDeExpediente } from '../../domain/documento';
import type { DocumentoRepository } from '../documento-repository';
import type { MensajesDeDocumentos, PayloadDe } from '../mensajes';

export type ReleaseDocumentsCommand = Envelope<PayloadDe<typeof documents.ReleaseDocuments>>;

/**
 * The compensation of RegisterDocuments: the expediente's documents go back to staging, where
 * the sweeper removes them in time. Idempotent in effect: documents it no longer has, or that
 * are gone, are simply not released again.
 */
export class LiberarDocumentos {
  constructor(
    private readonly documentos: DocumentoRepository,
    private readonly mensajes: MensajesDeDocumentos,
    private readonly clock: Clock,
  ) {}

  async ejecutar(comando: ReleaseDocumentsCommand): Promise<void> {
    const { sagaId, expedienteId, documentIds } = comando.payload;
    const encontrados = await this.documentos.buscarVarios([...new Set(documentIds)]);
    const liberados = liberarDeExpediente(expedienteId, encontrados, this.clock());
    const eventos = liberados.flatMap((documento) => documento.extraerEventos());
    await this.documentos.guardar(liberados, [
      ...this.mensajes.deEventos(eventos, { actor: comando.actor, causedBy: comando }),
      this.mensajes.respuesta(documents.DocumentsReleased, comando, { sagaId, expedienteId }),
    ]);
  }
}

import { Consumer, documents, MessageBus, topics } from '@expedientes/shared-kernel';
import { ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { RecordDocumentVersion } from '../../application/record-document-version/record-document-version';
import { counted } from './message-metrics';

export const DOCUMENT_EVENTS_GROUP = 'expedientes.documentos-subidos';

/**
 * Records in its expediente each version of a document documents says was uploaded for one.
 * The use case is naturally idempotent, so a redelivered event changes nothing.
 */
export class DocumentEventsConsumer {
  private consumer: Consumer | null = null;

  constructor(
    private readonly bus: MessageBus,
    private readonly recordDocumentVersion: RecordDocumentVersion,
    private readonly metrics: ServiceMetrics,
  ) {}

  async start(): Promise<void> {
    this.consumer ??= await this.bus.subscribe({
      group: DOCUMENT_EVENTS_GROUP,
      topics: [topics.events('documents')],
      accepts: (type) => type === documents.DocumentoSubido.type,
      handler: counted(this.metrics, async (message) => {
        const { documento, expedienteId } = documents.DocumentoSubido.payload.parse(
          message.payload,
        );
        if (expedienteId === null) return 'skipped';
        return this.recordDocumentVersion.execute(
          { expedienteId, documento },
          { actor: message.actor, correlationId: message.correlationId, requestId: message.id },
        );
      }),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }
}

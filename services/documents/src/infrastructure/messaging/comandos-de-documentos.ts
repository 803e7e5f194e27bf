import {
  type Consumer,
  describeError,
  documents,
  type Envelope,
  expedientes,
  type Logger,
  type MessageBus,
  type MessageContext,
  topics,
} from '@expedientes/shared-kernel';
import { ScopedLogger, type ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import type {
  LiberarDocumentos,
  ReleaseDocumentsCommand,
} from '../../application/liberar-documentos/liberar-documentos';
import type {
  FaseCambiadaEvent,
  RegistrarCierre,
} from '../../application/registrar-cierre/registrar-cierre';
import type {
  RegisterDocumentsCommand,
  RegistrarDocumentos,
} from '../../application/registrar-documentos/registrar-documentos';

export const SAGA_COMMANDS_GROUP = 'documents.saga-commands';

/** What the group acts on: of expedientes' events, only a phase change (to a final phase). */
const ATENDIDOS: ReadonlySet<string> = new Set([
  documents.RegisterDocuments.type,
  documents.ReleaseDocuments.type,
  expedientes.FaseDeExpedienteCambiada.type,
]);

/**
 * The documents context as a participant of the expedientes sagas: takes their commands from
 * `documents.commands` and hands each to its use case, and learns from `expedientes.events`
 * which expedientes have ended. A handler that throws is retried by the bus, and the message
 * is acknowledged only after its handler (and so its reply) succeeded.
 */
export class ComandosDeDocumentos {
  private consumer?: Consumer;

  constructor(
    private readonly bus: MessageBus,
    private readonly registrar: RegistrarDocumentos,
    private readonly liberar: LiberarDocumentos,
    private readonly registrarCierre: RegistrarCierre,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {}

  async start(): Promise<void> {
    this.consumer ??= await this.bus.subscribe({
      group: SAGA_COMMANDS_GROUP,
      topics: [topics.commands('documents'), topics.events('expedientes')],
      accepts: (type) => ATENDIDOS.has(type),
      handler: (message, context) => this.atender(message, context),
    });
  }

  /** Lets the command in hand finish. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  get escuchando(): boolean {
    return this.consumer !== undefined;
  }

  private async atender(message: Envelope, { topic, attempt }: MessageContext): Promise<void> {
    const logger = new ScopedLogger(this.logger, {
      correlationId: message.correlationId,
      messageId: message.id,
      type: message.type,
    });
    const count = (outcome: string) =>
      this.metrics.messagesHandled.inc({ topic, type: message.type, outcome });
    try {
      switch (message.type) {
        case documents.RegisterDocuments.type:
          await this.registrar.ejecutar(message as RegisterDocumentsCommand);
          break;
        case documents.ReleaseDocuments.type:
          await this.liberar.ejecutar(message as ReleaseDocumentsCommand);
          break;
        case expedientes.FaseDeExpedienteCambiada.type:
          if (await this.registrarCierre.ejecutar(message as FaseCambiadaEvent)) {
            logger.info('expediente ended: its documents are closed');
          }
          count('handled');
          return;
      }
      logger.info({ attempt }, 'saga command handled');
      count('handled');
    } catch (error) {
      logger.warn({ attempt, error: describeError(error) }, 'saga command failed; will be retried');
      count('failed');
      throw error;
    }
  }
}

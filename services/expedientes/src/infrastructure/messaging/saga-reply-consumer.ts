import { Consumer, MessageBus, SagaOrchestrator } from '@expedientes/shared-kernel';
import { ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { counted } from './message-metrics';

export const SAGA_REPLIES_GROUP = 'expedientes.saga-replies';

/**
 * Hands documents' and bpm's replies to the orchestrator, which tells the request waiting for
 * that saga. The orchestrator ignores what no waiting saga expects, so redeliveries are harmless.
 */
export class SagaReplyConsumer {
  private consumer: Consumer | null = null;

  constructor(
    private readonly bus: MessageBus,
    private readonly orchestrator: SagaOrchestrator,
    private readonly metrics: ServiceMetrics,
  ) {}

  async start(): Promise<void> {
    this.consumer ??= await this.bus.subscribe({
      group: SAGA_REPLIES_GROUP,
      topics: this.orchestrator.replyTopics,
      handler: counted(this.metrics, (reply) => this.orchestrator.handleReply(reply)),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }
}

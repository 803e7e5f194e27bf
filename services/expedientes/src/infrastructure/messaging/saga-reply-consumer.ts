import {
  Consumer,
  MessageBus,
  SagaOrchestrator,
  sagaReplyPayload,
} from '@expedientes/shared-kernel';
import { ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { SagaWaiter } from '../../application/sagas/saga-runner';
import { counted } from './message-metrics';

export const SAGA_REPLIES_GROUP = 'expedientes.saga-replies';

/**
 * Hands documents' and bpm's replies to the orchestrator, then wakes the request waiting for
 * that saga. The orchestrator ignores what no waiting saga expects, so redeliveries are harmless.
 */
export class SagaReplyConsumer {
  private consumer: Consumer | null = null;

  constructor(
    private readonly bus: MessageBus,
    private readonly orchestrator: SagaOrchestrator,
    private readonly waiter: SagaWaiter,
    private readonly metrics: ServiceMetrics,
  ) {}

  async start(): Promise<void> {
    this.consumer ??= await this.bus.subscribe({
      group: SAGA_REPLIES_GROUP,
      topics: this.orchestrator.replyTopics,
      handler: counted(this.metrics, async (reply) => {
        const outcome = await this.orchestrator.handleReply(reply);
        const parsed = sagaReplyPayload.safeParse(reply.payload);
        if (parsed.success) this.waiter.notify(parsed.data.sagaId);
        return outcome;
      }),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }
}

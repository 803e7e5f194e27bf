import { Envelope, MessageHandler } from '@expedientes/shared-kernel';
import { ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';

/** Counts each message by its handler's outcome (handled, or failed: the bus retries it). */
export const counted =
  (metrics: ServiceMetrics, handler: (message: Envelope) => Promise<string>): MessageHandler =>
  async (message, context) => {
    try {
      const outcome = await handler(message);
      metrics.messagesHandled.inc({ topic: context.topic, type: message.type, outcome });
    } catch (error) {
      metrics.messagesHandled.inc({ topic: context.topic, type: message.type, outcome: 'failed' });
      throw error;
    }
  };

/**
 * How every MessageBus adapter hands one received message to its handler: validate it, retry
 * a failing handler in place with exponential backoff (in place, so the messages behind it
 * with the same key wait and keep their order), and give up to a dead letter. The adapter
 * acknowledges the outcome in its own way.
 */
import { DeadLetter, deadLetterFor, MessageValidator } from '../../messaging/dead-letter';
import { Envelope, EnvelopeFactory } from '../../messaging/envelope';
import { MessageHandler, RetryPolicy } from '../../ports/message-bus';
import { Logger, describeError } from '../../ports/logger';
import { contextOf, inSpan, SpanKind } from './tracing';
import { pause } from './wakeup';

export interface ReceivedMessage {
  readonly topic: string;
  /** The key on the bus, if the message had one. */
  readonly key: string | null;
  /** The message exactly as it arrived: it is validated here, not trusted. */
  readonly raw: string;
}

export type DeliveryOutcome =
  | { readonly kind: 'handled' }
  /** Acknowledge it once `deadLetter` is on `<topic>.dlq`. */
  | { readonly kind: 'dead-lettered'; readonly deadLetter: Envelope<DeadLetter> }
  /** The consumer stopped while the message waited for a retry: leave it unacknowledged. */
  | { readonly kind: 'abandoned' };

export interface DeliveryOptions {
  readonly group: string;
  readonly handler: MessageHandler;
  readonly retry: RetryPolicy;
  readonly validator: MessageValidator;
  readonly envelopes: EnvelopeFactory;
  readonly logger: Logger;
  /** Aborted when the consumer stops. */
  readonly signal: AbortSignal;
  /** Called while waiting between attempts (Kafka uses it to heartbeat). */
  readonly betweenAttempts?: () => Promise<void>;
}

export const backoffMs = (policy: RetryPolicy, failedAttempt: number): number =>
  Math.min(policy.initialBackoffMs * 2 ** (failedAttempt - 1), policy.maxBackoffMs);

const parse = (raw: string): { ok: true; value: unknown } | { ok: false; reason: string } => {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, reason: `not JSON: ${describeError(error)}` };
  }
};

export async function deliver(
  message: ReceivedMessage,
  options: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const { group, handler, retry, validator, envelopes, logger, signal } = options;
  const giveUp = (reason: string, attempts: number, envelope?: Envelope): DeliveryOutcome => {
    logger.error(
      { topic: message.topic, group, key: message.key, attempts, reason },
      'message sent to the dead-letter topic',
    );
    const undeliverable = { ...message, consumerGroup: group, reason, attempts, envelope };
    return { kind: 'dead-lettered', deadLetter: deadLetterFor(envelopes, undeliverable) };
  };

  const parsed = parse(message.raw);
  const validation = parsed.ok ? validator.validate(parsed.value) : parsed;
  if (!validation.ok) return giveUp(`invalid message: ${validation.reason}`, 0);
  const { envelope } = validation;

  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return { kind: 'abandoned' };
    try {
      // Each attempt a span of the trace of the work that wrote the message.
      await inSpan(
        `${envelope.type} process`,
        SpanKind.CONSUMER,
        { 'messaging.destination.name': message.topic, 'messaging.consumer.group.name': group },
        () => handler(envelope, { topic: message.topic, attempt }),
        contextOf(envelope.traceparent),
      );
      return { kind: 'handled' };
    } catch (error) {
      const reason = describeError(error);
      if (attempt >= retry.maxAttempts) return giveUp(reason, attempt, envelope);
      const delay = backoffMs(retry, attempt);
      logger.warn(
        { topic: message.topic, group, messageId: envelope.id, attempt, retryInMs: delay, reason },
        'message handler failed, retrying',
      );
      await options.betweenAttempts?.();
      await pause(delay, signal);
    }
  }
}

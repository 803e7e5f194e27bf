/**
 * How every MessageBus adapter hands one received message to its handler: validate it, retry
 * a failing handler in place with exponential backoff (in place, so the messages behind it
 * with the same key wait and keep their order), and give up to a dead letter. The adapter
 * acknowledges the outcome in its own way.
 */
import { DeadLetter, deadLetterFor, MessageValidator } from '../../messaging/dead-letter';
import { Envelope, EnvelopeFactory } from '../../messaging/envelope';
import { Validation } from '../../messaging/message-registry';
import {
  BatchHandler,
  DeliveredMessage,
  MessageHandler,
  RetryPolicy,
} from '../../ports/message-bus';
import { Logger, describeError } from '../../ports/logger';
import { contextOf, inSpan, SpanKind } from './tracing';
import { pause } from './wakeup';

export interface ReceivedMessage {
  readonly topic: string;
  /** The key on the bus, if the message had one. */
  readonly key: string | null;
  /** The message exactly as it arrived: it is validated here, not trusted. */
  readonly raw: string;
  /**
   * The message as `raw` says it, where this process published it and checked it then against
   * the very validator it is delivered with (the embedded bus): read-only, not checked again.
   */
  readonly checked?: Envelope;
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
  readonly batchHandler?: BatchHandler;
  readonly retry: RetryPolicy;
  readonly validator: MessageValidator;
  readonly envelopes: EnvelopeFactory;
  readonly logger: Logger;
  /** Aborted when the consumer stops. */
  readonly signal: AbortSignal;
  /** Called while waiting between attempts (Kafka uses it to heartbeat). */
  readonly betweenAttempts?: () => Promise<void>;
  /** The types the group acts on (`ConsumerOptions.accepts`); all by default. */
  readonly accepts?: (type: string) => boolean;
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

/** The message validated, or `passed` by: its type is not one the group accepts. */
const validated = (
  message: ReceivedMessage,
  validator: MessageValidator,
  accepts?: (type: string) => boolean,
): Validation | { ok: true; passed: true } => {
  if (message.checked) {
    const { type } = message.checked;
    return accepts && !accepts(type)
      ? { ok: true, passed: true }
      : { ok: true, envelope: message.checked };
  }
  const parsed = parse(message.raw);
  if (!parsed.ok) return parsed;
  const { type } = (parsed.value ?? {}) as { type?: unknown };
  // Of a type nobody here acts on, it is not checked: the groups that act on it check it.
  if (accepts && typeof type === 'string' && !accepts(type)) return { ok: true, passed: true };
  return validator.validate(parsed.value);
};

/**
 * Hands consecutive messages of a partition to the consumer's batch handler at once, as
 * first deliveries: true once it has handled them all. False, with nothing handled, when
 * the consumer has no batch handler or there are fewer than two; false too when one of them
 * breaks its contract or the batch handler fails. Nothing is acknowledged then, and the
 * adapter delivers each one (`deliver`), which dead-letters the one that breaks its contract
 * and retries a failing one on its own. The batch is one span, linked to the trace of each
 * message.
 */
export async function deliverAtOnce(
  messages: readonly ReceivedMessage[],
  options: Pick<DeliveryOptions, 'group' | 'batchHandler' | 'validator' | 'logger' | 'accepts'>,
): Promise<boolean> {
  const { batchHandler } = options;
  if (!batchHandler || messages.length < 2) return false;
  const delivered: DeliveredMessage[] = [];
  for (const message of messages) {
    const validation = validated(message, options.validator, options.accepts);
    if (!validation.ok) return false;
    if ('passed' in validation) continue;
    delivered.push({ message: validation.envelope, context: { topic: message.topic, attempt: 1 } });
  }
  if (delivered.length === 0) return true;
  try {
    await inSpan(
      `${messages[0].topic} process`,
      SpanKind.CONSUMER,
      {
        'messaging.destination.name': messages[0].topic,
        'messaging.consumer.group.name': options.group,
        'messaging.batch.message_count': messages.length,
      },
      () => batchHandler(delivered),
      contextOf(undefined),
      delivered.map(({ message }) => contextOf(message.traceparent)),
    );
    return true;
  } catch (error) {
    options.logger.warn(
      {
        topic: messages[0].topic,
        group: options.group,
        messages: messages.length,
        reason: describeError(error),
      },
      'a batch of messages failed at once; they are handled one by one',
    );
    return false;
  }
}

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

  const validation = validated(message, validator, options.accepts);
  if (!validation.ok) return giveUp(`invalid message: ${validation.reason}`, 0);
  if ('passed' in validation) return { kind: 'handled' };
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

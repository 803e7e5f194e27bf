import { z } from 'zod';
import { Envelope, EnvelopeFactory, systemActor } from './envelope';
import {
  defineMessage,
  InvalidMessageError,
  MessageRegistry,
  Validation,
} from './message-registry';

/**
 * What a bus writes to `<topic>.dlq` when it gives up on a message. The original travels as
 * the raw text it arrived as, because a message that breaks its contract may not even be an
 * envelope.
 */
export const deadLetterPayloadSchema = z.object({
  originalTopic: z.string().min(1),
  consumerGroup: z.string().min(1),
  reason: z.string().min(1),
  /** Handler attempts made: 0 for a message that broke its contract and never reached one. */
  attempts: z.number().int().nonnegative(),
  failedAt: z.iso.datetime({ offset: true }),
  originalMessage: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetterPayloadSchema>;

/** Built into every bus: services never register it themselves. */
export const deadLetterMessage = defineMessage(
  'platform.dead-letter',
  'event',
  deadLetterPayloadSchema,
);

/** What a bus checks messages against: the service's registry plus the built-in contracts. */
export type MessageValidator = Pick<MessageRegistry, 'validate' | 'assertValid'>;

const builtIn = new MessageRegistry([deadLetterMessage]);

const isDeadLetter = (candidate: unknown): boolean =>
  typeof candidate === 'object' &&
  candidate !== null &&
  (candidate as { type?: unknown }).type === deadLetterMessage.type;

/** `registry`, also accepting the dead letters every bus produces and may consume. */
export const withDeadLetters = (registry: MessageRegistry): MessageValidator => {
  const validate = (candidate: unknown): Validation =>
    (isDeadLetter(candidate) ? builtIn : registry).validate(candidate);
  return {
    validate,
    assertValid: (candidate) => {
      const result = validate(candidate);
      if (!result.ok) throw new InvalidMessageError(result.reason);
      return result.envelope;
    },
  };
};

export interface UndeliverableMessage {
  readonly topic: string;
  readonly consumerGroup: string;
  readonly reason: string;
  readonly attempts: number;
  /** The message exactly as it arrived. */
  readonly raw: string;
  /** Its key on the bus, kept on the dead letter so the dead-letter topic keeps its order. */
  readonly key: string | null;
  /** The message, when it was a valid envelope: the dead letter follows from it. */
  readonly envelope?: Envelope;
}

export const deadLetterFor = (
  envelopes: EnvelopeFactory,
  message: UndeliverableMessage,
  failedAt: Date = new Date(),
): Envelope<DeadLetter> =>
  envelopes.create<DeadLetter>({
    type: deadLetterMessage.type,
    schemaVersion: deadLetterMessage.schemaVersion,
    // An envelope needs a key: keyless messages of a topic share their topic's name as one.
    key: message.key || message.topic,
    actor: systemActor,
    occurredAt: failedAt,
    causedBy: message.envelope,
    payload: {
      originalTopic: message.topic,
      consumerGroup: message.consumerGroup,
      reason: message.reason,
      attempts: message.attempts,
      failedAt: failedAt.toISOString(),
      originalMessage: message.raw,
    },
  });

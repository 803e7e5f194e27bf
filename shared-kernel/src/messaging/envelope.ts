import { z } from 'zod';

/** Who asked for what a message carries: the user (or client) and the roles it acted with. */
export const actorSchema = z.object({
  userId: z.string().min(1),
  roles: z.array(z.string()),
});
export type Actor = z.infer<typeof actorSchema>;

/** The system itself acting (timeouts, projections, relays). */
export const systemActor: Actor = { userId: 'system', roles: ['system'] };

/**
 * The one envelope of every message between services. The Kafka key is `key` (the
 * expediente id), so everything about one expediente stays ordered.
 */
export const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  key: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  actor: actorSchema,
  payload: z.unknown(),
  /** The W3C trace context of the work that wrote it, where traces are on. */
  traceparent: z.string().max(128).optional(),
});

export interface Envelope<TPayload = unknown> {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly key: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: Actor;
  readonly payload: TPayload;
  readonly traceparent?: string;
}

export interface NewEnvelope<TPayload = unknown> {
  type: string;
  schemaVersion?: number;
  key: string;
  payload: TPayload;
  actor: Actor;
  /** The message this one answers or follows from; carries its correlation on. */
  causedBy?: Pick<Envelope, 'id' | 'correlationId'>;
  /** A fixed id makes a re-sent message recognisable as the same one by inboxes. */
  id?: string;
  occurredAt?: Date;
}

export type IdGenerator = () => string;

/** Builds envelopes with fresh ids and times; the causal chain comes from `causedBy`. */
export class EnvelopeFactory {
  constructor(
    private readonly newId: IdGenerator,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create<TPayload>(message: NewEnvelope<TPayload>): Envelope<TPayload> {
    const id = message.id ?? this.newId();
    return {
      id,
      type: message.type,
      schemaVersion: message.schemaVersion ?? 1,
      occurredAt: (message.occurredAt ?? this.now()).toISOString(),
      key: message.key,
      correlationId: message.causedBy?.correlationId ?? id,
      causationId: message.causedBy?.id ?? null,
      actor: message.actor,
      payload: message.payload,
    };
  }
}

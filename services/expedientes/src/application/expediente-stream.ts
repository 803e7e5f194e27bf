import { Actor, EventToAppend, IdGenerator, RecordedEvent } from '@expedientes/shared-kernel';
import { esTipoDeEvento, EventoDeExpediente } from '../domain/eventos';
import { Causa } from '../domain/expediente-repository';

/**
 * How expedientes live in the event store: one stream `expediente-<id>` each, every event with
 * who caused it, the causal chain and when it happened in its metadata.
 */
export const EXPEDIENTE_STREAM_PREFIX = 'expediente-';

export const streamOf = (expedienteId: string): string =>
  `${EXPEDIENTE_STREAM_PREFIX}${expedienteId}`;

/** An event of an expediente as the store recorded it. */
export interface RecordedExpedienteEvent {
  readonly eventId: string;
  readonly expedienteId: string;
  readonly event: EventoDeExpediente;
  /** 0 for the first event of the expediente. */
  readonly streamVersion: number;
  readonly position: bigint;
  readonly actor: Actor | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  /** The trace of the work that recorded it, where traces are on. */
  readonly traceparent?: string;
}

export const toEventsToAppend = (
  events: readonly EventoDeExpediente[],
  causa: Causa,
  newId: IdGenerator,
): EventToAppend[] =>
  events.map((event) => ({
    id: newId(),
    type: event.type,
    data: event.data,
    metadata: {
      actor: { userId: causa.actor.userId, roles: [...causa.actor.roles] },
      correlationId: causa.correlationId,
      causationId: causa.causationId,
      occurredAt: event.occurredAt,
    },
  }));

export class UnknownExpedienteEventError extends Error {
  constructor(recorded: RecordedEvent) {
    super(`event ${recorded.id} of ${recorded.streamId} has an unknown type ${recorded.type}`);
    this.name = 'UnknownExpedienteEventError';
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function fromRecorded(recorded: RecordedEvent): RecordedExpedienteEvent {
  if (!esTipoDeEvento(recorded.type) || !recorded.streamId.startsWith(EXPEDIENTE_STREAM_PREFIX)) {
    throw new UnknownExpedienteEventError(recorded);
  }
  const { metadata } = recorded;
  return {
    eventId: recorded.id,
    expedienteId: recorded.streamId.slice(EXPEDIENTE_STREAM_PREFIX.length),
    event: {
      type: recorded.type,
      data: recorded.data,
      occurredAt: text(metadata.occurredAt) ?? recorded.recordedAt.toISOString(),
    } as EventoDeExpediente,
    streamVersion: recorded.streamVersion,
    position: recorded.position,
    actor: metadata.actor ?? null,
    correlationId: metadata.correlationId ?? null,
    causationId: metadata.causationId ?? null,
    ...(typeof metadata.traceparent === 'string' ? { traceparent: metadata.traceparent } : {}),
  };
}

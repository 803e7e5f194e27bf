/**
 * Something that happened in a domain, named in the past tense with a stable,
 * versioned type (`expedientes.expediente.abierto.v1`) and a primitive payload.
 */
export interface DomainEvent<TType extends string = string, TData = Record<string, unknown>> {
  readonly type: TType;
  readonly data: TData;
  readonly occurredAt: string; // ISO-8601
}

/** Injected wherever time matters, so tests can fix it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

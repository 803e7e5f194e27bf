import { DomainError } from '../domain/domain-error';
import { Actor } from '../messaging/envelope';

/** What travels with an event besides its data: the causal chain and who caused it. */
export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly actor?: Actor;
  /** The W3C trace context of the work that appended it, where traces are on. */
  readonly traceparent?: string;
  readonly [key: string]: unknown;
}

export interface EventToAppend {
  /** Unique id of the event (a UUID); appending the same id twice is the caller's bug. */
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata?: EventMetadata;
}

export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: EventMetadata;
  /** 0 for the first event of a stream. */
  readonly streamVersion: number;
  /** Position in the whole store: grows with every append, gaps allowed. */
  readonly position: bigint;
  readonly recordedAt: Date;
}

/** `no_stream`: the stream must not exist yet; `any`: no check; a number: the last version. */
export type ExpectedVersion = number | 'no_stream' | 'any';

export interface AppendResult {
  /** Version of the last appended event: the expected version of the next append. */
  readonly nextExpectedVersion: number;
  readonly position: bigint;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted: from the beginning. */
  readonly after?: bigint;
  readonly limit?: number;
  /** Only streams whose id starts with one of these. */
  readonly streamPrefixes?: readonly string[];
}

export type EventHandler = (event: RecordedEvent) => Promise<void>;

/**
 * Handles consecutive events at once, leaving things as the handler would have left them
 * after each in turn. It must be all or nothing, or leave what it did to be found done: when
 * it throws, every one of them goes to the handler.
 */
export type EventBatchHandler = (events: readonly RecordedEvent[]) => Promise<void>;

export interface SubscribeOptions {
  readonly streamPrefixes?: readonly string[];
  /**
   * Where the store has several events in hand (appends that came while the handler was
   * busy, a read of past events), it may give them here at once instead of to the handler
   * one by one; when this fails, they go to the handler one by one, with its retries.
   */
  readonly batchHandler?: EventBatchHandler;
  /**
   * For a handler whose effect reaches the disk a moment after it returns (it publishes on a
   * bus with `redoneIfLost`): resolves once what it did so far is durable. The checkpoint is
   * then stored after it, one for every event handled meanwhile, rather than after each one.
   */
  readonly durable?: () => Promise<void>;
}

export interface EventSubscription {
  /** Stops after the events in hand are handled and their checkpoint stored. */
  stop(): Promise<void>;
}

/**
 * An append-only store of event streams with optimistic concurrency.
 * Subscriptions resume after their stored checkpoint: a checkpoint is stored only after the
 * handler succeeded, so handlers must tolerate seeing the last event again after a crash.
 */
export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult>;
  /** The stream in order; an empty array when it does not exist. */
  readStream(streamId: string, options?: { fromVersion?: number }): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(
    subscriberId: string,
    handler: EventHandler,
    options?: SubscribeOptions,
  ): Promise<EventSubscription>;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends DomainError {
  constructor(streamId: string, expected: ExpectedVersion, actual: number | 'no_stream') {
    super(
      'EVENT_STORE.WRONG_EXPECTED_VERSION',
      'conflict',
      `stream ${streamId} is at version ${actual}, expected ${expected}`,
      { streamId, expected, actual },
    );
  }
}

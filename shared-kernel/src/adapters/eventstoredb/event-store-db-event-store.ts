import {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  Filter,
  jsonEvent,
  NO_STREAM,
  Position,
  RecordedEvent as EsdbRecordedEvent,
  ReadPosition,
  START,
  streamNameFilter,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendResult,
  EventHandler,
  EventMetadata,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedVersion,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  WrongExpectedVersionError,
} from '../../ports/event-store';
import {
  CheckpointStore,
  EventFeed,
  Subscriptions,
  SubscriptionSettings,
} from '../checkpointed-subscription';
import { traced } from '../shared/tracing';

/**
 * Subscribers' checkpoints live in EventStoreDB itself, one stream each. Not `$`-prefixed
 * streams, which need admin rights on a secured cluster: these are ordinary streams that
 * reads and subscriptions leave out by name.
 */
const CHECKPOINT_STREAM_PREFIX = 'event-store-checkpoint-';
const CHECKPOINT_EVENT_TYPE = 'event-store.checkpoint-stored.v1';
const checkpointStreamOf = (subscriberId: string): string =>
  `${CHECKPOINT_STREAM_PREFIX}${subscriberId}`;

/** Server-side filter for "all our events": no system streams, no checkpoint streams. */
const ownStreamsRegex = `^(?!\\$)(?!${CHECKPOINT_STREAM_PREFIX})`;

const toExpectedRevision = (expected: ExpectedVersion): AppendExpectedRevision => {
  if (expected === 'any' || expected === 'no_stream') return expected;
  // -1 is a new aggregate's version: the stream must not exist yet.
  return expected < 0 ? NO_STREAM : BigInt(expected);
};

/**
 * A position is the event's commit position: since EventStoreDB 20 every event is committed
 * with its own record, so one number orders and identifies it (prepare equals commit).
 */
const toReadPosition = (position: bigint | undefined): ReadPosition =>
  position === undefined ? START : ({ commit: position, prepare: position } satisfies Position);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Uint8Array);

/** Our events: JSON, outside system and checkpoint streams, of a type that is not a system one. */
const isOwnEvent = (event: EsdbRecordedEvent): boolean =>
  event.isJson &&
  !event.streamId.startsWith('$') &&
  !event.type.startsWith('$') &&
  !event.streamId.startsWith(CHECKPOINT_STREAM_PREFIX);

const inStreams = (streamId: string, prefixes: readonly string[]): boolean =>
  prefixes.length === 0 || prefixes.some((prefix) => streamId.startsWith(prefix));

const toRecordedEvent = (event: EsdbRecordedEvent): RecordedEvent => {
  if (!event.isJson || !isPlainObject(event.data)) {
    throw new Error(`event ${event.id} of stream ${event.streamId} is not a JSON object`);
  }
  if (!event.position) {
    throw new Error(
      `EventStoreDB gave no position for event ${event.id}: a server >= 22.6 is needed`,
    );
  }
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    data: event.data,
    metadata: isPlainObject(event.metadata) ? (event.metadata as EventMetadata) : {},
    streamVersion: Number(event.revision),
    position: event.position.commit,
    recordedAt: event.created,
  };
};

/** One of ours, strictly after `after`, in one of the streams asked for; otherwise undefined. */
const wanted = (
  resolved: AllStreamResolvedEvent,
  after: bigint | undefined,
  prefixes: readonly string[],
): RecordedEvent | undefined => {
  const event = resolved.event;
  if (!event || !isOwnEvent(event) || !inStreams(event.streamId, prefixes)) return undefined;
  // Reads from a position include it; subscriptions do not. Either way we want what follows.
  if (after !== undefined && event.position.commit <= after) return undefined;
  return toRecordedEvent(event);
};

export type EventStoreDbEventStoreOptions = SubscriptionSettings;

/** The event store on EventStoreDB (distributed mode). */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions: Subscriptions;

  /** Takes `client` over: `close` disposes of it. */
  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    this.subscriptions = new Subscriptions(this.checkpoints(), options);
  }

  /** `connectionString`: esdb://host:2113?tls=false, or esdb+discover://... for a cluster. */
  static connect(
    connectionString: string,
    options: EventStoreDbEventStoreOptions = {},
  ): EventStoreDbEventStore {
    return new EventStoreDbEventStore(
      EventStoreDBClient.connectionString(connectionString),
      options,
    );
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    { expectedVersion }: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`nothing to append to stream ${streamId}`);
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: traced(event.metadata ?? {}),
          }),
        ),
        { expectedRevision: toExpectedRevision(expectedVersion) },
      );
      return {
        nextExpectedVersion: Number(result.nextExpectedRevision),
        position:
          result.position?.commit ?? (await this.positionAt(streamId, result.nextExpectedRevision)),
      };
    } catch (error) {
      if (!(error instanceof EsdbWrongExpectedVersionError)) throw error;
      const actual = error.actualVersion;
      throw new WrongExpectedVersionError(
        streamId,
        expectedVersion,
        actual === NO_STREAM ? 'no_stream' : Number(actual),
      );
    }
  }

  async readStream(streamId: string, { fromVersion = 0 } = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, { fromRevision: BigInt(fromVersion) });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /** Filters by stream on this side: the 6.x client filters only subscriptions on the server. */
  async readAll({ after, limit, streamPrefixes = [] }: ReadAllOptions = {}): Promise<
    RecordedEvent[]
  > {
    const events: RecordedEvent[] = [];
    if (limit !== undefined && limit <= 0) return events;
    const read = this.client.readAll({ fromPosition: toReadPosition(after) });
    try {
      for await (const resolved of read) {
        const event = wanted(resolved, after, streamPrefixes);
        if (event) events.push(event);
        if (events.length === limit) break;
      }
    } finally {
      await read.cancel();
    }
    return events;
  }

  async subscribeToAll(
    subscriberId: string,
    handler: EventHandler,
    { streamPrefixes = [], batchHandler, durable }: SubscribeOptions = {},
  ): Promise<EventSubscription> {
    return this.subscriptions.start(subscriberId, this.catchUp(streamPrefixes), {
      handler,
      batchHandler,
      durable,
    });
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    await this.client.dispose();
  }

  /** The position of the event at `revision`, for appends the server answers without one. */
  private async positionAt(streamId: string, revision: bigint): Promise<bigint> {
    const read = this.client.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    for await (const resolved of read) {
      if (resolved.event?.position) return resolved.event.position.commit;
    }
    throw new Error(`EventStoreDB gave no position for ${streamId}@${revision}`);
  }

  private catchUp(streamPrefixes: readonly string[]): EventFeed {
    const filter: Filter =
      streamPrefixes.length > 0
        ? streamNameFilter({ prefixes: [...streamPrefixes] })
        : streamNameFilter({ regex: ownStreamsRegex });
    return (after, signal) => this.subscriptionEvents(after, signal, filter, streamPrefixes);
  }

  /** A catch-up subscription from `after`, filtered on the server and again here. */
  private async *subscriptionEvents(
    after: bigint | undefined,
    signal: AbortSignal,
    filter: Filter,
    streamPrefixes: readonly string[],
  ): AsyncGenerator<readonly RecordedEvent[]> {
    const subscription = this.client.subscribeToAll({
      fromPosition: toReadPosition(after),
      filter,
    });
    // Ends the wait for the next event; the cancellation error it causes is expected.
    const end = (): void => void subscription.destroy();
    signal.addEventListener('abort', end);
    try {
      for await (const resolved of subscription) {
        const event = wanted(resolved, after, streamPrefixes);
        // One at a time: the client hands them over so.
        if (event) yield [event];
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      signal.removeEventListener('abort', end);
      await subscription.unsubscribe();
    }
    if (!signal.aborted) throw new Error('EventStoreDB ended the subscription');
  }

  private checkpoints(): CheckpointStore {
    return {
      load: async (subscriberId) => {
        const stream = checkpointStreamOf(subscriberId);
        try {
          const read = this.client.readStream(stream, {
            direction: BACKWARDS,
            fromRevision: END,
            maxCount: 1,
          });
          for await (const resolved of read) {
            const data = resolved.event?.data;
            if (isPlainObject(data) && typeof data.position === 'string') {
              return BigInt(data.position);
            }
          }
          return undefined;
        } catch (error) {
          if (!(error instanceof StreamNotFoundError)) throw error;
          // A new subscriber: only its latest checkpoint is worth keeping.
          await this.client.setStreamMetadata(stream, { maxCount: 1 });
          return undefined;
        }
      },
      save: async (subscriberId, position) => {
        await this.client.appendToStream(
          checkpointStreamOf(subscriberId),
          jsonEvent({ type: CHECKPOINT_EVENT_TYPE, data: { position: position.toString() } }),
        );
      },
    };
  }
}

import {
  ANY,
  AppendExpectedRevision,
  AppendResult,
  BACKWARDS,
  EventData,
  EventStoreDBClient,
  Filter,
  NO_STREAM,
  ReadPosition,
  ReadRevision,
  START,
  STREAM_EXISTS,
  StreamMetadata,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { Readable } from 'node:stream';

interface StoredEvent {
  readonly streamId: string;
  readonly id: string;
  readonly isJson: true;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position: { commit: bigint; prepare: bigint };
}

const copy = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);

const matches = (filter: Filter | undefined, event: StoredEvent): boolean => {
  if (!filter) return true;
  const subject = filter.filterOn === 'streamName' ? event.streamId : event.type;
  if ('prefixes' in filter) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
  return new RegExp(filter.regex).test(subject);
};

/**
 * The part of @eventstore/db-client 6.x the adapter uses, in memory, as its documentation
 * describes the server: one commit position per event (not contiguous), reads of $all include
 * `fromPosition` and subscriptions start after it, a missing stream fails the read with
 * StreamNotFoundError, and stream metadata is a `$metadata` event in `$$<stream>`.
 */
export class InMemoryEventStoreDbClient {
  private readonly log: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private nextPosition = 1_000n;

  asClient(): EventStoreDBClient {
    return this as unknown as EventStoreDBClient;
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    { expectedRevision = ANY }: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> {
    const stream = this.log.filter((event) => event.streamId === streamName);
    const current = stream.length === 0 ? NO_STREAM : BigInt(stream.length - 1);
    const accepted =
      expectedRevision === ANY ||
      (expectedRevision === STREAM_EXISTS ? current !== NO_STREAM : expectedRevision === current);
    if (!accepted) {
      throw new WrongExpectedVersionError(undefined, {
        streamName,
        expected: expectedRevision,
        current,
      });
    }
    const appended = (Array.isArray(events) ? events : [events]).map((event, index) => {
      this.nextPosition += 137n;
      return {
        streamId: streamName,
        id: event.id,
        isJson: true as const,
        revision: BigInt(stream.length + index),
        type: event.type,
        created: new Date(),
        data: copy(event.data),
        metadata: copy(event.metadata),
        position: { commit: this.nextPosition, prepare: this.nextPosition },
      };
    });
    this.log.push(...appended);
    for (const event of appended) for (const listener of this.listeners) listener(event);
    return {
      success: true,
      nextExpectedRevision: appended[appended.length - 1].revision,
      position: appended[appended.length - 1].position,
    };
  }

  async setStreamMetadata(streamName: string, metadata: StreamMetadata): Promise<AppendResult> {
    return this.appendToStream(`$$${streamName}`, {
      id: crypto.randomUUID(),
      contentType: 'application/json',
      type: '$metadata',
      data: copy(metadata) as Record<string, unknown>,
      metadata: undefined,
    });
  }

  readStream(
    streamName: string,
    {
      fromRevision = START,
      direction,
      maxCount,
    }: { fromRevision?: ReadRevision; direction?: string; maxCount?: number | bigint } = {},
  ): Readable {
    let events = this.log.filter((event) => event.streamId === streamName);
    if (events.length === 0) {
      const missing = new Readable({ objectMode: true, read() {} });
      process.nextTick(() => missing.destroy(new StreamNotFoundError(undefined, streamName)));
      return missing;
    }
    if (direction === BACKWARDS) events = [...events].reverse();
    else if (typeof fromRevision === 'bigint') {
      events = events.filter((event) => event.revision >= fromRevision);
    }
    return this.readable(events.slice(0, maxCount === undefined ? undefined : Number(maxCount)));
  }

  readAll({ fromPosition = START }: { fromPosition?: ReadPosition } = {}): Readable & {
    cancel(): Promise<void>;
  } {
    const events = this.log.filter(
      (event) => typeof fromPosition !== 'object' || event.position.commit >= fromPosition.commit,
    );
    return Object.assign(this.readable(events), { cancel: async () => undefined });
  }

  subscribeToAll({
    fromPosition = START,
    filter,
  }: { fromPosition?: ReadPosition; filter?: Filter } = {}): Readable & {
    unsubscribe(): Promise<void>;
  } {
    const wanted = (event: StoredEvent): boolean =>
      matches(filter, event) &&
      (typeof fromPosition !== 'object' || event.position.commit > fromPosition.commit);
    const subscription = new Readable({ objectMode: true, read() {} });
    const listener = (event: StoredEvent): void => {
      if (wanted(event)) subscription.push({ event });
    };
    for (const event of this.log) listener(event);
    this.listeners.add(listener);
    const unsubscribe = async (): Promise<void> => {
      this.listeners.delete(listener);
      subscription.push(null);
    };
    return Object.assign(subscription, { unsubscribe });
  }

  async dispose(): Promise<void> {
    this.listeners.clear();
  }

  private readable(events: readonly StoredEvent[]): Readable {
    return Readable.from(events.map((event) => ({ event })));
  }
}

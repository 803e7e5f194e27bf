import {
  AppendResult,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedVersion,
  ReadAllOptions,
  RecordedEvent,
  WrongExpectedVersionError,
} from '@expedientes/shared-kernel';

/** An EventStore in an array, for unit tests: the same concurrency rules, no subscriptions. */
export class InMemoryEventStore implements EventStore {
  readonly events: RecordedEvent[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    { expectedVersion }: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult> {
    const actual = this.versionOf(streamId);
    const expected = expectedVersion === 'no_stream' ? -1 : expectedVersion;
    if (expected !== 'any' && expected !== actual) {
      throw new WrongExpectedVersionError(
        streamId,
        expectedVersion,
        actual < 0 ? 'no_stream' : actual,
      );
    }
    for (const [index, event] of events.entries()) {
      this.events.push({
        id: event.id,
        streamId,
        type: event.type,
        data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>,
        metadata: JSON.parse(JSON.stringify(event.metadata ?? {})) as Record<string, unknown>,
        streamVersion: actual + 1 + index,
        position: BigInt(this.events.length + 1),
        recordedAt: this.now(),
      });
    }
    return {
      nextExpectedVersion: actual + events.length,
      position: BigInt(this.events.length),
    };
  }

  async readStream(streamId: string, { fromVersion = 0 } = {}): Promise<RecordedEvent[]> {
    return this.events.filter(
      (event) => event.streamId === streamId && event.streamVersion >= fromVersion,
    );
  }

  async readAll({ after, limit, streamPrefixes = [] }: ReadAllOptions = {}): Promise<
    RecordedEvent[]
  > {
    return this.events
      .filter((event) => after === undefined || event.position > after)
      .filter(
        (event) =>
          streamPrefixes.length === 0 ||
          streamPrefixes.some((prefix) => event.streamId.startsWith(prefix)),
      )
      .slice(0, limit);
  }

  subscribeToAll(): Promise<EventSubscription> {
    throw new Error('the in-memory event store has no subscriptions');
  }

  async close(): Promise<void> {}

  private versionOf(streamId: string): number {
    return this.events.filter((event) => event.streamId === streamId).length - 1;
  }
}

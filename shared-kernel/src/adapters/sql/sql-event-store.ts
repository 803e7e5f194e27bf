import { Clock, systemClock } from '../../domain/domain-event';
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
import { Migration, SqlDatabase, SqlDialect, SqlExecutor, SqlParam } from './sql-database';
import { BoundedMap } from '../shared/bounded-map';
import { deepFreeze } from '../shared/deep-freeze';
import { traced } from '../shared/tracing';

/**
 * Times are epoch milliseconds (BIGINT) in both dialects: no time zone conversion on the way in
 * or out. Ids and types compare byte for byte on MySQL (utf8mb4_bin), as they do on SQLite.
 */
export const sqlEventStoreMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events, subscription checkpoints and the append lock',
    up: {
      mysql: [
        `CREATE TABLE event_store_events (
          position BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          stream_id VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
          stream_version INT NOT NULL,
          event_id VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
          type VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
          data JSON NOT NULL,
          metadata JSON NOT NULL,
          recorded_at BIGINT NOT NULL,
          UNIQUE KEY event_store_events_stream_version (stream_id, stream_version),
          UNIQUE KEY event_store_events_event_id (event_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
        `CREATE TABLE event_store_checkpoints (
          subscriber_id VARCHAR(255) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
          position BIGINT NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
        'CREATE TABLE event_store_append_lock (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB',
        'INSERT INTO event_store_append_lock (id) VALUES (1)',
      ],
      sqlite: [
        // AUTOINCREMENT: a position is never handed out twice, even after the last row went.
        `CREATE TABLE event_store_events (
          position INTEGER PRIMARY KEY AUTOINCREMENT,
          stream_id TEXT NOT NULL,
          stream_version INTEGER NOT NULL,
          event_id TEXT NOT NULL,
          type TEXT NOT NULL,
          data TEXT NOT NULL,
          metadata TEXT NOT NULL,
          recorded_at INTEGER NOT NULL,
          CONSTRAINT event_store_events_stream_version UNIQUE (stream_id, stream_version),
          CONSTRAINT event_store_events_event_id UNIQUE (event_id)
        )`,
        `CREATE TABLE event_store_checkpoints (
          subscriber_id TEXT NOT NULL PRIMARY KEY,
          position INTEGER NOT NULL
        )`,
      ],
    },
  },
];

/** The statements that differ between the dialects. */
const dialectSql: Record<SqlDialect, { lockAppends?: string; saveCheckpoint: string }> = {
  mysql: {
    /*
     * InnoDB hands out auto-increment positions when rows are inserted, not when they commit:
     * a writer holding position 10 may commit after one holding 11, and a subscriber that
     * already read past 11 would never see 10. Every append therefore first locks this one
     * row until it commits, so appends (not reads) take turns and positions become visible
     * in order. One store's appends are short, so the turn is cheap. The lock also makes the
     * version check below read the latest committed version: InnoDB takes a transaction's
     * snapshot at its first plain read, which comes after the lock is granted.
     */
    lockAppends: 'SELECT id FROM event_store_append_lock WHERE id = 1 FOR UPDATE',
    saveCheckpoint:
      'INSERT INTO event_store_checkpoints (subscriber_id, position) VALUES (?, ?) ' +
      'ON DUPLICATE KEY UPDATE position = VALUES(position)',
  },
  // SQLite has a single writer (the adapter begins IMMEDIATE): appends already take turns.
  sqlite: {
    saveCheckpoint:
      'INSERT INTO event_store_checkpoints (subscriber_id, position) VALUES (?, ?) ' +
      'ON CONFLICT (subscriber_id) DO UPDATE SET position = excluded.position',
  },
};

const eventColumns =
  'position, stream_id, stream_version, event_id, type, data, metadata, recorded_at';

/** As the drivers return it: mysql2 gives BIGINT as text, MariaDB gives JSON as text. */
interface EventRow {
  readonly position: number | string;
  readonly stream_id: string;
  readonly stream_version: number | string;
  readonly event_id: string;
  readonly type: string;
  readonly data: string | Record<string, unknown>;
  readonly metadata: string | EventMetadata;
  readonly recorded_at: number | string;
}

const parseJson = <T>(value: string | T): T =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;

const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  type: row.type,
  data: parseJson(row.data),
  metadata: parseJson(row.metadata),
  streamVersion: Number(row.stream_version),
  position: BigInt(row.position),
  recordedAt: new Date(Number(row.recorded_at)),
});

/** An event and what it holds, made read-only all the way down. */
function frozen(event: RecordedEvent): RecordedEvent {
  deepFreeze(event.data);
  deepFreeze(event.metadata);
  return Object.freeze(event);
}

/** -1: the version of a stream that does not exist (as a new aggregate's version is). */
const NO_STREAM_VERSION = -1;

const satisfies = (expected: ExpectedVersion, actual: number): boolean =>
  expected === 'any' ||
  (expected === 'no_stream' ? actual === NO_STREAM_VERSION : expected === actual);

const versionOrNoStream = (version: number): number | 'no_stream' =>
  version === NO_STREAM_VERSION ? 'no_stream' : version;

/** The unique (stream, version) key refused a row: another writer took that version first. */
const isStreamVersionTaken = (error: unknown): boolean =>
  // Duck-typed: a native driver's errors may come from another realm (jest's sandboxes).
  typeof (error as { message?: unknown })?.message === 'string' &&
  // MySQL names the key, SQLite the columns.
  /for key '(?:event_store_events\.)?event_store_events_stream_version'|event_store_events\.stream_version/.test(
    (error as Error).message,
  );

export interface SqlEventStoreOptions extends SubscriptionSettings {
  /**
   * How often subscriptions look for events appended by other processes (default 150 ms).
   * Each look that finds none doubles the wait before the next, up to eight times this: an
   * idle subscription looks some once a second, a busy one at this interval.
   */
  readonly pollIntervalMs?: number;
  /** Events a subscription reads per query while catching up (default 100). */
  readonly batchSize?: number;
  readonly clock?: Clock;
}

/**
 * The event store on MySQL/MariaDB or SQLite. Subscriptions poll; appends made through this
 * instance wake them at once. The database is the caller's: `close` leaves it open.
 */
export class SqlEventStore implements EventStore {
  private readonly subscriptions: Subscriptions;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly clock: Clock;
  /** Counts this instance's appends, so a subscription never sleeps through one. */
  private appendCount = 0;
  private readonly appendWaiters = new Set<(byAppend: boolean) => void>();
  /**
   * The latest appends committed through this instance, by the position of the event that
   * came before them in the store: a subscription that stands there takes them from here,
   * without reading them back.
   */
  private readonly appended = new BoundedMap<bigint, Appended>(KEPT_APPENDS);
  /**
   * The streams read or appended to lately, each with its committed events from the first
   * on (read-only): an aggregate loaded again for each command reads only what is new.
   */
  private readonly streams = new BoundedMap<string, readonly RecordedEvent[]>(KEPT_STREAMS);

  private constructor(
    private readonly db: SqlDatabase,
    options: SqlEventStoreOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 150;
    this.batchSize = options.batchSize ?? 100;
    this.clock = options.clock ?? systemClock;
    this.subscriptions = new Subscriptions(this.checkpoints(), options);
  }

  /** Brings the schema up to date, then opens the store. */
  static async open(db: SqlDatabase, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    await db.migrate('event-store', sqlEventStoreMigrations);
    return new SqlEventStore(db, options);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    { expectedVersion }: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`nothing to append to stream ${streamId}`);
    try {
      return await this.db.transaction(async (tx) => {
        const lock = dialectSql[tx.dialect].lockAppends;
        if (lock) await tx.query(lock);
        // With appends taking turns, the store's last event is the one before this append's.
        const [head] = await tx.query<{ version: number | string | null; last: unknown }>(
          `SELECT MAX(stream_version) AS version,
             (SELECT MAX(position) FROM event_store_events) AS last
           FROM event_store_events WHERE stream_id = ?`,
          [streamId],
        );
        const actual = head?.version == null ? NO_STREAM_VERSION : Number(head.version);
        if (!satisfies(expectedVersion, actual)) {
          throw new WrongExpectedVersionError(streamId, expectedVersion, versionOrNoStream(actual));
        }
        const { result, recorded } = await this.insert(tx, streamId, actual, events);
        tx.afterCommit(() => this.committed(BigInt(Number(head?.last ?? 0)), recorded));
        return result;
      });
    } catch (error) {
      // The unique key is the last guard: should a writer ever get past the turn-taking above
      // (SQLite opened without IMMEDIATE, say), a version still cannot be taken twice.
      if (error instanceof WrongExpectedVersionError || !isStreamVersionTaken(error)) throw error;
      const actual = await this.currentVersion(this.db, streamId);
      throw new WrongExpectedVersionError(streamId, expectedVersion, versionOrNoStream(actual));
    }
  }

  /**
   * The events of a stream kept in memory (`streams`) are not read again: only those after
   * them. The result is the same, events being never changed nor removed once committed.
   */
  async readStream(streamId: string, { fromVersion = 0 } = {}): Promise<RecordedEvent[]> {
    const known = this.streams.get(streamId) ?? [];
    const rows = await this.db.query<EventRow>(
      `SELECT ${eventColumns} FROM event_store_events
       WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version`,
      [streamId, Math.max(fromVersion, known.length)],
    );
    const read = rows.map((row) => frozen(toRecordedEvent(row)));
    // Read within a `together`, they may still be rolled back.
    if (read.length > 0) this.db.afterCommit(() => this.remember(streamId, read));
    return [...known.slice(fromVersion), ...read];
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { after, limit, streamPrefixes = [] } = options;
    // Positions start at 1, so 0 reads from the beginning.
    const conditions = ['position > ?'];
    const params: SqlParam[] = [after ?? 0n];
    if (streamPrefixes.length > 0) {
      // substr counts characters in both dialects (LIKE would ignore case on SQLite).
      conditions.push(`(${streamPrefixes.map(() => 'substr(stream_id, 1, ?) = ?').join(' OR ')})`);
      for (const prefix of streamPrefixes) params.push([...prefix].length, prefix);
    }
    let sql = `SELECT ${eventColumns} FROM event_store_events
               WHERE ${conditions.join(' AND ')} ORDER BY position`;
    if (limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(Math.max(0, Math.floor(limit)));
    }
    const rows = await this.db.query<EventRow>(sql, params);
    return rows.map(toRecordedEvent);
  }

  async subscribeToAll(
    subscriberId: string,
    handler: EventHandler,
    { streamPrefixes, batchHandler, durable }: SubscribeOptions = {},
  ): Promise<EventSubscription> {
    return this.subscriptions.start(subscriberId, this.poll(streamPrefixes), {
      handler,
      batchHandler,
      durable,
    });
  }

  /** Stops the subscriptions; the database stays open for its owner to close. */
  async close(): Promise<void> {
    await this.subscriptions.stopAll();
  }

  private async currentVersion(reader: SqlExecutor, streamId: string): Promise<number> {
    const [row] = await reader.query<{ version: number | string | null }>(
      'SELECT MAX(stream_version) AS version FROM event_store_events WHERE stream_id = ?',
      [streamId],
    );
    return row?.version == null ? NO_STREAM_VERSION : Number(row.version);
  }

  /**
   * One row per event: each insert id is that event's position on both dialects. Returns the
   * events as a reader would read them back.
   */
  private async insert(
    tx: SqlExecutor,
    streamId: string,
    actual: number,
    events: readonly EventToAppend[],
  ): Promise<{ result: AppendResult; recorded: RecordedEvent[] }> {
    const recordedAt = this.clock().getTime();
    const recorded: RecordedEvent[] = [];
    for (const [index, event] of events.entries()) {
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify(traced(event.metadata ?? {}));
      const { insertId } = await tx.execute(
        `INSERT INTO event_store_events
           (stream_id, stream_version, event_id, type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [streamId, actual + 1 + index, event.id, event.type, data, metadata, recordedAt],
      );
      recorded.push(
        toRecordedEvent({
          position: insertId,
          stream_id: streamId,
          stream_version: actual + 1 + index,
          event_id: event.id,
          type: event.type,
          data,
          metadata,
          recorded_at: recordedAt,
        }),
      );
    }
    const position = recorded[recorded.length - 1].position;
    return { result: { nextExpectedVersion: actual + events.length, position }, recorded };
  }

  /** An append has committed: its events are kept for the subscriptions, which it wakes. */
  private committed(after: bigint, events: readonly RecordedEvent[]): void {
    this.appendCount += 1;
    const kept = events.map(frozen);
    this.appended.set(after, { events: kept, count: this.appendCount });
    this.remember(kept[0].streamId, kept);
    for (const wake of [...this.appendWaiters]) wake(true);
  }

  /**
   * Adds committed events of a stream to what is kept of it, where they follow on from it (a
   * stream not kept, or read from a later version, is kept from its first event only).
   */
  private remember(streamId: string, events: readonly RecordedEvent[]): void {
    const known = this.streams.get(streamId) ?? [];
    const first = events[0].streamVersion;
    if (first > known.length) return;
    const added = events.slice(known.length - first);
    if (added.length === 0) return;
    // Deleted first, so that the stream counts as the latest used.
    this.streams.delete(streamId);
    this.streams.set(streamId, [...known, ...added]);
  }

  private checkpoints(): CheckpointStore {
    return {
      load: async (subscriberId) => {
        const [row] = await this.db.query<{ position: number | string }>(
          'SELECT position FROM event_store_checkpoints WHERE subscriber_id = ?',
          [subscriberId],
        );
        return row ? BigInt(row.position) : undefined;
      },
      save: async (subscriberId, position) => {
        // Saved after the handler's own commit: a checkpoint lost with a power cut replays events.
        await this.db.execute(
          dialectSql[this.db.dialect].saveCheckpoint,
          [subscriberId, position],
          {
            redoneIfLost: true,
          },
        );
      },
    };
  }

  private poll(streamPrefixes?: readonly string[]): EventFeed {
    return (after, signal) => this.pollEvents(after, signal, streamPrefixes);
  }

  /**
   * Reads in batches; when caught up, waits for the next poll or an append through this store.
   * An append committed here right after the feed's position is taken as it was kept; whatever
   * else may have come (appends of other processes, or past the ones kept) is read.
   */
  private async *pollEvents(
    after: bigint | undefined,
    signal: AbortSignal,
    streamPrefixes: readonly string[] = [],
  ): AsyncGenerator<readonly RecordedEvent[]> {
    let position = after ?? 0n;
    // The appends through this instance the feed has had, read or kept; -1 reads first.
    let had = -1;
    let polled = false;
    /** Looks in a row that found nothing new: each doubles the wait before the next. */
    let emptyLooks = 0;
    while (!signal.aborted) {
      let appended = this.appended.get(position);
      if (appended) {
        // Every kept append that follows on, at once: those that came while the subscriber
        // was busy with the last ones.
        const kept: RecordedEvent[] = [];
        while (appended && kept.length < this.batchSize) {
          kept.push(...appended.events.filter((event) => within(event, streamPrefixes)));
          position = appended.events[appended.events.length - 1].position;
          had = Math.max(had, appended.count);
          appended = this.appended.get(position);
        }
        if (kept.length > 0) yield kept;
      } else if (polled || had !== this.appendCount) {
        polled = false;
        const appendsBefore = this.appendCount;
        const batch = await this.readAll({
          after: position,
          limit: this.batchSize,
          streamPrefixes,
        });
        if (batch.length > 0) {
          yield batch;
          position = batch[batch.length - 1].position;
        }
        if (batch.length < this.batchSize) had = appendsBefore;
        emptyLooks = batch.length > 0 ? 0 : Math.min(emptyLooks + 1, MAX_BACKOFF_DOUBLINGS);
      } else {
        polled = !(await this.nextAppend(signal, this.pollIntervalMs * 2 ** emptyLooks));
        if (!polled) emptyLooks = 0;
      }
    }
  }

  /** True on the next append through this store; false after `waitMs`, or on abort. */
  private nextAppend(signal: AbortSignal, waitMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (byAppend: boolean): void => {
        clearTimeout(timer);
        this.appendWaiters.delete(wake);
        signal.removeEventListener('abort', stopped);
        resolve(byAppend);
      };
      const stopped = (): void => wake(false);
      const timer = setTimeout(stopped, waitMs);
      this.appendWaiters.add(wake);
      signal.addEventListener('abort', stopped);
    });
  }
}

/** An idle subscription's wait grows to the poll interval times 2 to this (8). */
const MAX_BACKOFF_DOUBLINGS = 3;

/** How many of the latest appends a store keeps for its subscriptions. */
const KEPT_APPENDS = 1_000;
/** How many streams, the latest used, a store keeps the events of. */
const KEPT_STREAMS = 1_000;

interface Appended {
  /** Read-only: every subscription that takes them holds the same objects. */
  readonly events: readonly RecordedEvent[];
  /** Which of this instance's appends it was (see `appendCount`). */
  readonly count: number;
}

/** Whether the event is of a stream the subscription follows (all without prefixes). */
const within = (event: RecordedEvent, streamPrefixes: readonly string[]): boolean =>
  streamPrefixes.length === 0 || streamPrefixes.some((prefix) => event.streamId.startsWith(prefix));

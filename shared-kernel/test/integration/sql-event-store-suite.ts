import { randomUUID } from 'node:crypto';
import { SqlDatabase, SqlExecutor, TransactionExecutor } from '../../src/adapters/sql';
import { SqlEventStore, SqlEventStoreOptions } from '../../src/adapters/sql/sql-event-store';
import { EventToAppend, RecordedEvent, WrongExpectedVersionError } from '../../src/ports';
import { eventStoreContract, eventually, TemporaryDatabase } from '../../src/testing';
import { countingQueries } from './counting-queries';

/** Quick polls and retries keep the contract suite fast. */
const fastSubscriptions: SqlEventStoreOptions = {
  pollIntervalMs: 20,
  handlerRetry: { initialBackoffMs: 10, maxBackoffMs: 50 },
};

const anEvent = (id: string = randomUUID()): EventToAppend => ({
  id,
  type: 'test.happened.v1',
  data: {},
});

/**
 * Inside transactions, reports every stream as missing: what a writer sees when another one
 * appends between its version check and its insert (which the append lock normally prevents).
 */
function blindToOtherWriters(db: SqlDatabase): SqlDatabase {
  const blind = (executor: TransactionExecutor): TransactionExecutor => ({
    dialect: executor.dialect,
    afterCommit: (callback) => executor.afterCommit(callback),
    query: async <TRow>(sql: string, params?: Parameters<SqlExecutor['query']>[1]) =>
      sql.includes('MAX(stream_version)')
        ? ([{ version: null }] as TRow[])
        : executor.query<TRow>(sql, params),
    execute: (sql, params) => executor.execute(sql, params),
  });
  return {
    dialect: db.dialect,
    query: (sql, params) => db.query(sql, params),
    execute: (sql, params) => db.execute(sql, params),
    transaction: (work) => db.transaction((tx) => work(blind(tx))),
    together: (work) => db.together(work),
    commitsTogether: db.commitsTogether,
    afterCommit: (callback) => db.afterCommit(callback),
    migrate: (component, migrations) => db.migrate(component, migrations),
    flush: () => db.flush(),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}

/** Subscriptions, one per list, that put what they are handed in it. */
export async function subscribed(store: SqlEventStore, prefix: string, lists: RecordedEvent[][]) {
  const subscriptions = await Promise.all(
    lists.map((events, index) =>
      store.subscribeToAll(`${prefix}-${index}`, async (event) => void events.push(event), {
        streamPrefixes: [prefix],
      }),
    ),
  );
  return { stop: () => Promise.all(subscriptions.map((each) => each.stop())) };
}

/** The EventStore contract and what only the SQL adapter has, on one kind of database. */
export function sqlEventStoreSuite(
  name: string,
  temporaryDatabase: () => Promise<TemporaryDatabase<SqlDatabase>>,
): void {
  eventStoreContract(name, async () => {
    const temp = await temporaryDatabase();
    const store = await SqlEventStore.open(temp.db, fastSubscriptions);
    return {
      store,
      // A connection of its own, as a restarted process opens it; dispose closes them all.
      reopen: () => SqlEventStore.open(temp.reopen(), fastSubscriptions),
      handsBatches: true,
      cleanup: async () => {
        await store.close();
        await temp.dispose();
      },
    };
  });

  describe(`${name}: the unique keys behind the version check`, () => {
    let temp: TemporaryDatabase<SqlDatabase>;
    let store: SqlEventStore;
    beforeAll(async () => {
      temp = await temporaryDatabase();
      store = await SqlEventStore.open(temp.db);
    });
    afterAll(() => temp?.dispose());

    it('turns a version taken by a racing writer into WrongExpectedVersionError', async () => {
      const streamId = `race-${randomUUID()}`;
      const winner = anEvent();
      await store.appendToStream(streamId, [winner], { expectedVersion: 'no_stream' });
      const late = await SqlEventStore.open(blindToOtherWriters(temp.db));

      const append = late.appendToStream(streamId, [anEvent()], { expectedVersion: 'no_stream' });
      await expect(append).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(append).rejects.toMatchObject({ details: { actual: 0 } });
      expect((await store.readStream(streamId)).map((event) => event.id)).toEqual([winner.id]);
    });

    it('refuses an event id used before as an error of the caller, not as a conflict', async () => {
      const id = randomUUID();
      await store.appendToStream(`a-${randomUUID()}`, [anEvent(id)], { expectedVersion: 'any' });
      const again = store.appendToStream(`b-${randomUUID()}`, [anEvent(id)], {
        expectedVersion: 'any',
      });
      // Matched by message: the driver's error may be of another realm than jest's Error.
      await expect(again).rejects.toMatchObject({
        message: expect.stringMatching(/event_store_events/),
      });
      await expect(again).rejects.not.toBeInstanceOf(WrongExpectedVersionError);
    });
  });

  describe(`${name}: what the subscriptions read`, () => {
    let temp: TemporaryDatabase<SqlDatabase>;
    beforeAll(async () => {
      temp = await temporaryDatabase();
    });
    afterAll(() => temp?.dispose());

    it('hands an append committed here to its subscriptions without reading it back', async () => {
      const feedReads = countingQueries(temp.db, 'position > ?');
      // No polls: only appends wake the subscriptions here.
      const store = await SqlEventStore.open(feedReads.db, { pollIntervalMs: 60_000 });
      const prefix = `kept-${randomUUID()}`;
      const seen: RecordedEvent[][] = [[], []];
      const subscriptions = await subscribed(store, prefix, seen);
      try {
        await store.appendToStream(`${prefix}-1`, [anEvent()], { expectedVersion: 'no_stream' });
        await eventually(() => expect(seen.map((events) => events.length)).toEqual([1, 1]));
        const before = feedReads.count();

        const appended = await store.appendToStream(`${prefix}-2`, [anEvent(), anEvent()], {
          expectedVersion: 'no_stream',
        });
        await eventually(() => expect(seen.map((events) => events.length)).toEqual([3, 3]));

        expect(feedReads.count()).toBe(before);
        expect(seen[1].slice(1)).toEqual(seen[0].slice(1));
        expect(seen[0][2]).toBe(seen[1][2]);
        expect(seen[0][2]).toMatchObject({ streamVersion: 1, position: appended.position });
        expect(await store.readStream(`${prefix}-2`)).toEqual(seen[0].slice(1));
        expect(() => {
          (seen[0][2].data as Record<string, unknown>).changed = true;
        }).toThrow(TypeError);
      } finally {
        await subscriptions.stop();
        await store.close();
      }
    });

    it('reads a stream again from where what it keeps of it ends, and what others appended', async () => {
      const asked: unknown[] = [];
      const watched: SqlDatabase = Object.create(temp.db);
      watched.query = <TRow>(sql: string, params?: Parameters<SqlExecutor['query']>[1]) => {
        if (sql.includes('stream_version >= ?')) asked.push(params?.[1]);
        return temp.db.query<TRow>(sql, params);
      };
      const store = await SqlEventStore.open(watched);
      const elsewhere = await SqlEventStore.open(temp.reopen());
      const streamId = `kept-stream-${randomUUID()}`;
      const [first, second, third] = [anEvent(), anEvent(), anEvent()];
      const idsRead = async (fromVersion?: number) =>
        (await store.readStream(streamId, { fromVersion })).map((event) => event.id);
      try {
        await store.appendToStream(streamId, [first], { expectedVersion: 'no_stream' });
        expect(await idsRead()).toEqual([first.id]);
        await elsewhere.appendToStream(streamId, [second], { expectedVersion: 0 });
        expect(await idsRead()).toEqual([first.id, second.id]);
        await store.appendToStream(streamId, [third], { expectedVersion: 1 });
        expect(await idsRead()).toEqual([first.id, second.id, third.id]);
        expect(await idsRead(2)).toEqual([third.id]);
        // Each read asked only for what followed the events it kept.
        expect(asked).toEqual([1, 1, 3, 3]);
      } finally {
        await store.close();
        await elsewhere.close();
      }
    });

    /**
     * A store on `db` with one subscription to a fresh prefix, and another process's store
     * on the same database; `work` gets the prefix and what the subscription has seen.
     */
    async function withAnotherProcess(
      db: SqlDatabase,
      pollIntervalMs: number,
      work: (stores: {
        store: SqlEventStore;
        elsewhere: SqlEventStore;
        prefix: string;
        seen: RecordedEvent[];
      }) => Promise<void>,
    ): Promise<void> {
      const store = await SqlEventStore.open(db, { pollIntervalMs });
      const elsewhere = await SqlEventStore.open(temp.reopen());
      const prefix = `elsewhere-${randomUUID()}`;
      const seen: RecordedEvent[][] = [[]];
      const subscriptions = await subscribed(store, prefix, seen);
      try {
        await work({ store, elsewhere, prefix, seen: seen[0] });
      } finally {
        await subscriptions.stop();
        await store.close();
        await elsewhere.close();
      }
    }

    it('looks less and less often while nothing comes, and still finds what another process appends', async () => {
      const feedReads = countingQueries(temp.db, 'position > ?');
      await withAnotherProcess(feedReads.db, 50, async ({ elsewhere, prefix, seen }) => {
        const before = feedReads.count();
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        // At every 50 ms, 30 looks; waiting 50, 100, 200, then 400 ms, some 6.
        expect(feedReads.count() - before).toBeLessThanOrEqual(10);
        await elsewhere.appendToStream(`${prefix}-1`, [anEvent()], { expectedVersion: 'any' });
        await eventually(() => expect(seen).toHaveLength(1));
      });
    });

    it('reads what another process appended in between, then takes appends as before', async () => {
      await withAnotherProcess(temp.db, 20, async ({ store, elsewhere, prefix, seen }) => {
        await store.appendToStream(`${prefix}-1`, [anEvent()], { expectedVersion: 'any' });
        await elsewhere.appendToStream(`${prefix}-2`, [anEvent()], { expectedVersion: 'any' });
        await store.appendToStream(`${prefix}-3`, [anEvent()], { expectedVersion: 'any' });
        await eventually(() => expect(seen).toHaveLength(3));
        expect(seen.map((event) => event.streamId)).toEqual(
          ['1', '2', '3'].map((n) => `${prefix}-${n}`),
        );
      });
    });
  });
}

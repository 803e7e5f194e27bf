import { randomUUID } from 'node:crypto';
import { SqlDatabase, SqlExecutor } from '../../src/adapters/sql';
import { SqlEventStore, SqlEventStoreOptions } from '../../src/adapters/sql/sql-event-store';
import { EventToAppend, WrongExpectedVersionError } from '../../src/ports';
import { eventStoreContract, TemporaryDatabase } from '../../src/testing';

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
  const blind = (executor: SqlExecutor): SqlExecutor => ({
    dialect: executor.dialect,
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
    migrate: (component, migrations) => db.migrate(component, migrations),
    flush: () => db.flush(),
    ping: () => db.ping(),
    close: () => db.close(),
  };
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
}

import { randomUUID } from 'node:crypto';
import {
  Migration,
  sagaStoreMigrations,
  SqliteDatabase,
  SqlSagaStore,
} from '../../src/adapters/sql';
import { Envelope, EnvelopeFactory } from '../../src/messaging/envelope';
import { defineSaga, invoke, local, onSuccess, SagaOrchestrator } from '../../src/saga';
import {
  aSaga,
  sagaScript,
  sagaStoreContract,
  TemporaryDatabase,
  temporarySqlite,
} from '../../src/testing';
import {
  ExpedienteLog,
  openExpedienteSaga,
  ProcessStarted,
  StartProcess,
} from '../unit/example-saga';

describe('SqlSagaStore on SQLite', () => {
  let temp: TemporaryDatabase<SqliteDatabase>;

  beforeAll(() => {
    temp = temporarySqlite();
  });
  afterAll(() => temp.dispose());

  // A new connection for each test, as a restarted process would open the file.
  sagaStoreContract('SqlSagaStore on SQLite', async () => {
    const store = new SqlSagaStore(temp.reopen());
    await store.migrate();
    return store;
  });

  it('carries a saga through a restart on a new connection to the same file', async () => {
    const log = new ExpedienteLog();
    const store = new SqlSagaStore(temp.reopen());
    await store.migrate();
    await sagaScript(openExpedienteSaga(log), { store })
      .start({ expedienteId: 'exp-sqlite', documents: ['a.pdf'] }, { sagaId: 'saga-sqlite' })
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectCommand('bpm.StartProcess')
      .crashBeforeNextPublish()
      .reply('bpm.ProcessRefused', { reason: 'closed' })
      .restart()
      .expectCommand('documents.DiscardDocuments')
      .reply('documents.DocumentsDiscarded')
      .expectCompensated('closed');

    const reopened = new SqlSagaStore(temp.reopen());
    // Four moves in three writes: the last reply and the onFailed it leads to commit as one.
    await expect(reopened.load('saga-sqlite')).resolves.toMatchObject({
      status: 'compensated',
      version: 3,
    });
    expect(log.rejected).toHaveLength(1);
  });

  it('looks the active sagas up in indexes that hold only those, migrated with their sagas', async () => {
    const fresh = temporarySqlite();
    try {
      await fresh.db.migrate('saga-store', sagaStoreMigrations.slice(0, 1));
      const store = new SqlSagaStore(fresh.db);
      const waiting = aSaga({ sagaId: 'saga-waiting' });
      await store.create(waiting);
      await store.create(aSaga({ sagaId: 'saga-ended', status: 'completed', pending: null }));

      await store.migrate();

      // The store's own lookups, as it sends them, to ask SQLite for their plans below.
      const lookups = jest.spyOn(fresh.db, 'query');
      await expect(store.findActive()).resolves.toEqual([waiting]);
      await expect(store.findWithDeadlineBefore(new Date('2031-01-01'))).resolves.toEqual([
        waiting,
      ]);
      const sent = lookups.mock.calls.map(([sql, params]) => ({ sql, params }));
      lookups.mockRestore();
      // ANALYZE counts each index's entries: the first figure of its stat.
      await fresh.db.execute('ANALYZE');
      await expect(
        fresh.db.query("SELECT idx, stat FROM sqlite_stat1 WHERE idx LIKE 'saga_instances_%'"),
      ).resolves.toEqual(
        expect.arrayContaining([
          { idx: 'saga_instances_active', stat: expect.stringMatching(/^1 /) },
          { idx: 'saga_instances_deadline', stat: expect.stringMatching(/^1 /) },
        ]),
      );
      expect(sent).toHaveLength(2);
      for (const { sql, params } of sent) {
        const plan = await fresh.db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
        expect(plan.map((step) => step.detail).join(' ')).toMatch(
          /USING INDEX saga_instances_(active|deadline)/,
        );
      }
    } finally {
      await fresh.dispose();
    }
  });
});

describe('a saga whose local step stores in the database of its SqlSagaStore', () => {
  const opened: Migration = {
    version: 1,
    name: 'opened',
    up: ['CREATE TABLE opened (expediente_id TEXT PRIMARY KEY)'],
  };
  let temp: TemporaryDatabase<SqliteDatabase>;
  let failures: Error[];
  let published: Envelope[];
  const envelopes = new EnvelopeFactory(randomUUID, () => new Date());

  const saga = defineSaga<{ expedienteId: string; processId?: string }>({
    type: 'test.OpenTogether',
    key: (data) => data.expedienteId,
    steps: [
      {
        name: 'startProcess',
        action: invoke('bpm', StartProcess, {
          payload: (data) => ({ expedienteId: data.expedienteId, documentIds: [] }),
          timeoutMs: 60_000,
          replies: [
            onSuccess(ProcessStarted, (data, reply) => ({ ...data, processId: reply.processId })),
          ],
        }),
      },
      {
        name: 'recordOpened',
        action: local(async (data) => {
          await temp.db.execute('INSERT INTO opened (expediente_id) VALUES (?)', [
            data.expedienteId,
          ]);
          const failure = failures.shift();
          if (failure) throw failure;
        }),
      },
    ],
  });

  beforeEach(async () => {
    temp = temporarySqlite();
    await temp.db.migrate('test', [opened]);
    failures = [];
    published = [];
  });
  afterEach(() => temp.dispose());

  const orchestrator = async (): Promise<SagaOrchestrator> => {
    const store = new SqlSagaStore(temp.db);
    await store.migrate();
    return new SagaOrchestrator({
      definitions: [saga],
      store,
      envelopes,
      newId: randomUUID,
      clock: () => new Date(),
      publisher: { publish: async (_topic, messages) => void published.push(...messages) },
    });
  };
  const processStarted = (command: Envelope): Envelope =>
    envelopes.create({
      type: ProcessStarted.type,
      key: command.key,
      actor: command.actor,
      causedBy: command,
      payload: { sagaId: (command.payload as { sagaId: string }).sagaId, processId: 'p-1' },
    });
  const openedRows = () => temp.reopen().query('SELECT expediente_id FROM opened');

  it('saves the reply, runs the step and saves its end as one commit, or none of it', async () => {
    const sagas = await orchestrator();
    const started = await sagas.start(saga, {
      data: { expedienteId: 'exp-1' },
      actor: { userId: 'ana', roles: ['tramitador'] },
      causedBy: { id: 'request-1', correlationId: 'correlation-1' },
    });
    const reply = processStarted(published[0]);

    failures.push(new Error('the disk is full'));
    await expect(sagas.handleReply(reply)).rejects.toThrow('the disk is full');
    // The step's row went with the saga's saves: the saga still waits for the reply.
    await expect(openedRows()).resolves.toEqual([]);
    await expect(new SqlSagaStore(temp.reopen()).load(started.sagaId)).resolves.toMatchObject({
      version: started.version,
      currentStep: 0,
      status: 'running',
    });

    // The reply delivered again does it all.
    await expect(sagas.handleReply(reply)).resolves.toBe('handled');
    await expect(openedRows()).resolves.toEqual([{ expediente_id: 'exp-1' }]);
    await expect(new SqlSagaStore(temp.reopen()).load(started.sagaId)).resolves.toMatchObject({
      status: 'completed',
    });
  });
});

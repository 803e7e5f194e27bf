import { SqliteDatabase, SqlSagaStore } from '../../src/adapters/sql';
import {
  sagaScript,
  sagaStoreContract,
  TemporaryDatabase,
  temporarySqlite,
} from '../../src/testing';
import { ExpedienteLog, openExpedienteSaga } from '../unit/example-saga';

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
    await expect(reopened.load('saga-sqlite')).resolves.toMatchObject({
      status: 'compensated',
      version: 4,
    });
    expect(log.rejected).toHaveLength(1);
  });
});

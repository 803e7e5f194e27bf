import { MysqlDatabase, SqlSagaStore } from '../../src/adapters/sql';
import {
  describeWithServer,
  sagaStoreContract,
  TemporaryDatabase,
  temporaryMysql,
} from '../../src/testing';

describeWithServer('mysql', 'SqlSagaStore on MySQL/MariaDB', (url) => {
  let temp: TemporaryDatabase<MysqlDatabase>;

  // A database of this suite's own, dropped at the end.
  beforeAll(async () => {
    temp = await temporaryMysql(url());
  });
  afterAll(() => temp?.dispose());

  sagaStoreContract('SqlSagaStore on MySQL/MariaDB', async () => {
    const store = new SqlSagaStore(temp.reopen());
    await store.migrate();
    return store;
  });
});

import {
  describeWithServerAs,
  temporaryMysql,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import { MysqlExpedienteSearchIndex } from '../../src/infrastructure/sql/mysql-expediente-search-index';
import { SqliteExpedienteSearchIndex } from '../../src/infrastructure/sql/sqlite-expediente-search-index';
import { expedienteSearchIndexContract } from './expediente-search-index.contract';

describe('SqliteExpedienteSearchIndex (FTS5)', () => {
  expedienteSearchIndexContract(async () => {
    const database = temporarySqlite();
    const index = new SqliteExpedienteSearchIndex(database.db);
    await index.migrate();
    return { index, dispose: database.dispose };
  });
});

describeWithServerAs('mysql', 'search', 'MysqlExpedienteSearchIndex (FULLTEXT)', (url) => {
  expedienteSearchIndexContract(async () => {
    const database = await temporaryMysql(url());
    const index = new MysqlExpedienteSearchIndex(database.db);
    await index.migrate();
    return { index, dispose: database.dispose };
  });
});

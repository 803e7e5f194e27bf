import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MysqlDatabase } from '../adapters/sql/mysql-database';
import { SqliteDatabase, SqliteDatabaseOptions } from '../adapters/sql/sqlite-database';

export interface TemporaryDatabase<TDatabase> {
  readonly db: TDatabase;
  /** Another connection to the same database, as a restarted process would open it. */
  reopen(): TDatabase;
  /** Closes what is open and removes the database. */
  dispose(): Promise<void>;
}

/** A SQLite file in a fresh temporary folder. */
export function temporarySqlite(
  options: SqliteDatabaseOptions = {},
): TemporaryDatabase<SqliteDatabase> {
  const folder = mkdtempSync(join(tmpdir(), 'expedientes-sqlite-'));
  const file = join(folder, 'test.db');
  const opened: SqliteDatabase[] = [];
  const open = (): SqliteDatabase => {
    const db = new SqliteDatabase(file, options);
    opened.push(db);
    return db;
  };
  return {
    db: open(),
    reopen: open,
    dispose: async () => {
      await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh database on the server of `serverUrl` (MYSQL_URL, or a service's own user's),
 * dropped by `dispose`: named after the URL's database, <database>_<random>, which a
 * service's user of the test servers is granted.
 */
export async function temporaryMysql(serverUrl: string): Promise<TemporaryDatabase<MysqlDatabase>> {
  const url = new URL(serverUrl);
  const base = url.pathname.replace(/^\//, '') || 'test';
  const name = `${base}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  url.pathname = `/${name}`;
  await MysqlDatabase.ensureDatabase(url.toString());
  const opened: MysqlDatabase[] = [];
  const open = (): MysqlDatabase => {
    const db = new MysqlDatabase(url.toString(), { connectionLimit: 5 });
    opened.push(db);
    return db;
  };
  const db = open();
  return {
    db,
    reopen: open,
    dispose: async () => {
      await Promise.all(opened.map((each) => each.close().catch(() => undefined)));
      // Through a fresh connection: the test may have closed the ones it was given.
      await MysqlDatabase.dropDatabase(url.toString());
    },
  };
}

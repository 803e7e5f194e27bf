import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyMigrations } from './migrations';
import { ExecuteResult, Migration, SqlDatabase, SqlExecutor, SqlParam } from './sql-database';

const toSqlite = (params: readonly SqlParam[]): unknown[] =>
  params.map((param) => (typeof param === 'boolean' ? Number(param) : param));

/**
 * SQLite through better-sqlite3, for the embedded mode and tests.
 *
 * better-sqlite3 is synchronous and one connection carries one transaction, so an async
 * transaction would swallow any statement issued meanwhile by other work. Every statement
 * and transaction therefore takes its turn on one queue; inside a transaction, use the
 * executor it hands you (calling the database itself there would wait for itself).
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly connection: Database.Database;
  private turn: Promise<unknown> = Promise.resolve();
  private readonly direct: SqlExecutor;

  /** `filename` ':memory:' for a throwaway database; parent folders are created. */
  constructor(filename: string) {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    this.connection = new Database(filename);
    this.connection.pragma('journal_mode = WAL');
    // FULL: a committed transaction survives a power cut, not only a process crash.
    this.connection.pragma('synchronous = FULL');
    this.connection.pragma('foreign_keys = ON');
    this.connection.pragma('busy_timeout = 5000');
    this.direct = {
      dialect: this.dialect,
      query: async (sql, params = []) => this.runQuery(sql, params),
      execute: async (sql, params = []) => this.runExecute(sql, params),
    };
  }

  query<TRow = Record<string, unknown>>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<TRow[]> {
    return this.inTurn(async () => this.runQuery<TRow>(sql, params));
  }

  execute(sql: string, params: readonly SqlParam[] = []): Promise<ExecuteResult> {
    return this.inTurn(async () => this.runExecute(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      // IMMEDIATE takes the write lock up front, so a second process gets busy, not a deadlock.
      this.connection.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.direct);
        this.connection.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.connection.inTransaction) this.connection.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async migrate(component: string, migrations: readonly Migration[]): Promise<void> {
    await this.transaction((tx) => applyMigrations(tx, component, migrations));
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.inTurn(async () => this.connection.close());
  }

  private runQuery<TRow>(sql: string, params: readonly SqlParam[]): TRow[] {
    const statement = this.connection.prepare(sql);
    if (statement.reader) return statement.all(...toSqlite(params)) as TRow[];
    statement.run(...toSqlite(params));
    return [];
  }

  private runExecute(sql: string, params: readonly SqlParam[]): ExecuteResult {
    const result = this.connection.prepare(sql).run(...toSqlite(params));
    return { affectedRows: result.changes, insertId: Number(result.lastInsertRowid) };
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }
}

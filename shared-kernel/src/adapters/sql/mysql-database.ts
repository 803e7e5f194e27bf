import mysql, { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { applyMigrations } from './migrations';
import {
  ExecuteResult,
  Migration,
  runAfterCommit,
  SqlDatabase,
  SqlExecutor,
  SqlParam,
  TransactionExecutor,
} from './sql-database';

type Queryable = Pool | PoolConnection;

const executorOver = (target: Queryable): SqlExecutor => ({
  dialect: 'mysql',
  async query<TRow>(sql: string, params: readonly SqlParam[] = []): Promise<TRow[]> {
    const [rows] = await target.query(sql, params as SqlParam[]);
    return Array.isArray(rows) ? (rows as TRow[]) : [];
  },
  async execute(sql: string, params: readonly SqlParam[] = []): Promise<ExecuteResult> {
    const [result] = await target.query<ResultSetHeader>(sql, params as SqlParam[]);
    return { affectedRows: result.affectedRows, insertId: Number(result.insertId) };
  },
});

export interface MysqlOptions {
  /**
   * Connections kept in each of the two pools (single statements, transactions); a service
   * rarely needs many.
   */
  readonly connectionLimit?: number;
}

/**
 * MySQL or MariaDB through mysql2 pools, for the distributed mode. Every commit waits for the
 * disk as the server is configured (InnoDB's flush at each commit by default), so transactions
 * that would be redone if lost are committed like any other.
 *
 * Transactions have a pool of their own whose connections never autocommit: there the first
 * statement begins a transaction, as START TRANSACTION would, without a round trip of its own
 * (six per open of the benchmark, each some 0.1 CPU-ms of the service's and as much of the
 * server's). Single statements keep autocommitting on the other pool.
 */
export class MysqlDatabase implements SqlDatabase {
  readonly dialect = 'mysql' as const;
  readonly commitsTogether = false;
  private readonly pool: Pool;
  private readonly pooled: SqlExecutor;
  private readonly transactions: Pool;
  /** The transactions pool's connections that autocommit no longer (each is told once). */
  private readonly manual = new WeakSet<object>();

  /** `url`: mysql://user:password@host:port/database */
  constructor(url: string, options: MysqlOptions = {}) {
    const settings = {
      uri: url,
      connectionLimit: options.connectionLimit ?? 10,
      // Times are stored as epoch ms; JSON and BIGINT come back as text and numbers we parse.
      supportBigNumbers: true,
      bigNumberStrings: true,
      timezone: 'Z',
      charset: 'utf8mb4',
      // mysql2 captures a stack trace for every statement, for the caller's frames in a
      // failure's stack: 3 % of expedientes' CPU under load. Failures name their statement's
      // error and code without it.
      trace: false,
    };
    this.pool = mysql.createPool(settings);
    this.transactions = mysql.createPool(settings);
    this.pooled = executorOver(this.pool);
  }

  /** Creates the database named in `url` if it does not exist (tests, first start-ups). */
  static ensureDatabase(url: string): Promise<void> {
    return MysqlDatabase.onServer(
      url,
      (name) =>
        `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  }

  /** Drops the database named in `url` (tests). */
  static dropDatabase(url: string): Promise<void> {
    return MysqlDatabase.onServer(url, (name) => `DROP DATABASE IF EXISTS \`${name}\``);
  }

  private static async onServer(
    url: string,
    statement: (database: string) => string,
  ): Promise<void> {
    const target = new URL(url);
    const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported MySQL database name: ${name}`);
    target.pathname = '/';
    const connection = await mysql.createConnection({ uri: target.toString() });
    try {
      await connection.query(statement(name));
    } finally {
      await connection.end();
    }
  }

  query<TRow = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<TRow[]> {
    return this.pooled.query<TRow>(sql, params);
  }

  execute(sql: string, params?: readonly SqlParam[]): Promise<ExecuteResult> {
    return this.pooled.execute(sql, params);
  }

  async transaction<T>(work: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    const connection = await this.transactions.getConnection();
    let reusable = true;
    try {
      if (!this.manual.has(connection.connection)) {
        await connection.query('SET autocommit = 0');
        this.manual.add(connection.connection);
      }
      const committed: (() => void)[] = [];
      const tx = {
        ...executorOver(connection),
        afterCommit: (callback: () => void) => void committed.push(callback),
      };
      const result = await work(tx);
      await connection.commit();
      runAfterCommit(committed);
      return result;
    } catch (error) {
      // A connection that could not roll back may still hold the transaction: it goes.
      reusable = await connection.rollback().then(
        () => true,
        () => false,
      );
      throw error;
    } finally {
      if (reusable) connection.release();
      else connection.destroy();
    }
  }

  /**
   * As they come: joining the stores' transactions into one here would hold the event store's
   * append lock, and wake its subscribers, before the commit.
   */
  together<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  /** What a call outside `transaction` did here is committed already. */
  afterCommit(callback: () => void): void {
    callback();
  }

  /**
   * MySQL commits DDL implicitly, so a transaction cannot make migrations exclusive: a named
   * lock does, for replicas of a service starting at the same time.
   */
  async migrate(component: string, migrations: readonly Migration[]): Promise<void> {
    const connection = await this.pool.getConnection();
    const lock = `migrations:${component}`;
    try {
      const [rows] = await connection.query('SELECT GET_LOCK(?, 60) AS locked', [lock]);
      if (Number((rows as Array<{ locked: unknown }>)[0]?.locked) !== 1) {
        throw new Error(`could not take the migration lock of ${component} within 60 s`);
      }
      try {
        await applyMigrations(executorOver(connection), component, migrations);
      } finally {
        await connection.query('SELECT RELEASE_LOCK(?)', [lock]);
      }
    } finally {
      connection.release();
    }
  }

  /** InnoDB flushes its log at each commit (innodb_flush_log_at_trx_commit=1). */
  async flush(): Promise<void> {}

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.transactions.end()]);
  }
}

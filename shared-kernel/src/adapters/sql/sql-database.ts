/**
 * The little SQL surface the kernel's SQL adapters need, implemented for MySQL/MariaDB
 * (mysql2) and SQLite (better-sqlite3). Both use `?` placeholders; the few statements that
 * differ between the two ask `dialect`.
 */
export type SqlDialect = 'mysql' | 'sqlite';

/** No Date: the dialects read dates back differently, so times travel as epoch ms or ISO text. */
export type SqlParam = string | number | bigint | boolean | null | Buffer;

export interface ExecuteResult {
  readonly affectedRows: number;
  /** Auto-increment id of the last inserted row, where there is one. */
  readonly insertId: number;
}

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  query<TRow = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<TRow[]>;
  execute(sql: string, params?: readonly SqlParam[]): Promise<ExecuteResult>;
}

/** What a transaction's work runs its statements on. */
export interface TransactionExecutor extends SqlExecutor {
  /**
   * Runs `callback` once this transaction has committed, and the ones it is part of (a
   * `together`, an enclosing transaction); never when any of them rolls back. For telling
   * others of what is now there to read. It must not throw.
   */
  afterCommit(callback: () => void): void;
}

/** Runs what waited for a commit; one that throws does not keep the others from running. */
export function runAfterCommit(callbacks: readonly (() => void)[]): void {
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      // A bug of the callback's: surfaced as an uncaught error, the commit stands.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** A versioned schema change; applied once, in version order, recorded in schema_migrations. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements run one by one: per dialect where the SQL differs. */
  readonly up: readonly string[] | Readonly<Record<SqlDialect, readonly string[]>>;
}

export interface TransactionOptions {
  /**
   * The transaction only records what is redone when it is lost (a consumer's position, a
   * subscription's checkpoint, a relayed message's mark, a derived record whose consumer
   * records its position only after a flush), so the store may answer before it is on disk;
   * a process crash still never loses it, a power cut may. Stores whose every commit waits
   * for the disk ignore it.
   */
  readonly redoneIfLost?: boolean;
}

export interface SqlDatabase extends SqlExecutor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(
    work: (tx: TransactionExecutor) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T>;
  /**
   * Runs `work` so that the transactions it runs here, itself or through the stores built on
   * this database, commit as one, or not at all (SQLite: one transaction, each of them a
   * savepoint in it). MySQL runs them as they come, each its own: there `work` must not
   * depend on committing as one (`commitsTogether` says which).
   */
  together<T>(work: () => Promise<T>): Promise<T>;
  /** Whether `together` commits as one (SQLite), or runs each transaction on its own (MySQL). */
  readonly commitsTogether: boolean;
  /** One statement in a transaction of its own. */
  execute(
    sql: string,
    params?: readonly SqlParam[],
    options?: TransactionOptions,
  ): Promise<ExecuteResult>;
  /**
   * Runs `callback` once what has been read and written here so far is committed: at once,
   * unless within a `together`, then when it commits (never, if it rolls back). For keeping
   * in memory what a read saw only once it cannot be undone.
   */
  afterCommit(callback: () => void): void;
  /** Applies the migrations of `component` not applied yet (each component has its own versions). */
  migrate(component: string, migrations: readonly Migration[]): Promise<void>;
  /**
   * Resolves once every commit so far is on the disk, those made with `redoneIfLost`
   * included (MySQL's commits always are).
   */
  flush(): Promise<void>;
  /** Fails when the database does not answer: for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BoundedMap } from '../shared/bounded-map';
import type { Durability } from '../shared/durability';
import { applyMigrations } from './migrations';
import { WalSync } from './wal-sync';
import {
  ExecuteResult,
  Migration,
  SqlDatabase,
  SqlExecutor,
  SqlParam,
  runAfterCommit,
  TransactionExecutor,
  TransactionOptions,
} from './sql-database';

const toSqlite = (params: readonly SqlParam[]): unknown[] =>
  params.map((param) => (typeof param === 'boolean' ? Number(param) : param));

/** How much of each file is read through a memory map. */
const MMAP_BYTES = 256 * 1024 * 1024;

/**
 * How many pages the write-ahead log grows to (4 KiB each) before a commit copies them into
 * the file. Each commit appends every page it changed, so the pages most written (a table's
 * last leaf, an index's) are in the log many times over, and a checkpoint copies each page
 * once: ten times SQLite's default copies them a tenth as often (a transition wrote 103
 * times, now 96), for a log of up to 40 MiB.
 */
const CHECKPOINT_PAGES = 10_000;

/**
 * The page cache, in KiB: 4 MiB, not better-sqlite3's 16. When a b-tree split reorders its
 * new pages, SQLite parks one under the number of the page past 1 GiB, and the next commit
 * then walks the whole cache to drop pages beyond the file's end: with 16 MiB (3,870 pages)
 * that walk took 1.8 % of a transition's CPU, with 4 MiB 0.6 %. Pages that fall out are read
 * again from the memory map, or from the log (a `pread`, 0.4 → 0.5 %).
 */
const CACHE_KIB = 4096;

/** Distinct statements kept prepared; past that the oldest is prepared again when next used. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * One transaction, or a savepoint in one: what its work runs on, and what waits for it to
 * commit. A savepoint's waiters join its parent's once it is released.
 */
class TransactionLevel implements TransactionExecutor {
  readonly committed: (() => void)[] = [];

  constructor(private readonly direct: SqlExecutor) {}

  get dialect() {
    return this.direct.dialect;
  }

  query<TRow = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]) {
    return this.direct.query<TRow>(sql, params);
  }

  execute(sql: string, params?: readonly SqlParam[]) {
    return this.direct.execute(sql, params);
  }

  afterCommit(callback: () => void): void {
    this.committed.push(callback);
  }
}

/** A transaction waiting for its turn, and for the commit that makes it last. */
interface QueuedTransaction {
  readonly work: (tx: TransactionExecutor) => Promise<unknown>;
  /** Whether its commit waits for the disk. */
  readonly waitsForDisk: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** A read outside any transaction: it sees only what was committed. */
interface QueuedRead {
  readonly read: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** A `flush()`: its turn comes once everything queued before it has committed. */
interface QueuedFlush {
  readonly flush: true;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Queued = QueuedTransaction | QueuedRead | QueuedFlush;

/** The transaction a piece of work runs in, while it is open. */
interface Ambient {
  open: boolean;
  /** The innermost transaction or savepoint that the work's own transactions nest in. */
  readonly level: TransactionLevel;
}

const isTransaction = (job: Queued): job is QueuedTransaction => 'work' in job;
const isFlush = (job: Queued): job is QueuedFlush => 'flush' in job;

/**
 * Write turns of the connections of this process, by file. SQLite's own wait for a busy
 * database blocks the thread, and with it the event loop that the connection holding the
 * lock needs to reach its commit: connections in one process to one file (replicas in tests,
 * tools) therefore take turns here, and SQLite's wait is left to other processes.
 */
const writeTurns = new Map<string, Promise<void>>();

async function inWriteTurn(filename: string, work: () => Promise<void>): Promise<void> {
  const previous = writeTurns.get(filename) ?? Promise.resolve();
  let release!: () => void;
  const turn = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
  writeTurns.set(filename, turn);
  await previous;
  try {
    await work();
  } finally {
    release();
    if (writeTurns.get(filename) === turn) writeTurns.delete(filename);
  }
}

/**
 * SQLite through better-sqlite3, for the embedded mode and tests.
 *
 * better-sqlite3 is synchronous and one connection carries one transaction, so an async
 * transaction would swallow any statement issued meanwhile by other work. Every statement
 * and transaction therefore takes its turn on one queue; inside a transaction, use the
 * executor it hands you (calling the database itself there would wait for itself). The
 * exception is `together`: what its work calls on this database, directly or through the
 * stores built on it, joins its transaction (a transaction in a savepoint of it); that work
 * must not run two transactions at once.
 *
 * Group commit: the transactions waiting in the queue when one begins run inside that one
 * database transaction, each in its own savepoint (one that throws rolls back alone), and
 * one commit, one flush to disk, serves them all; none is answered before that commit.
 * Statements are prepared once and kept.
 */
export interface SqliteDatabaseOptions {
  /** `power-cut` (the default) flushes what `flushes` says; `process-crash` never does. */
  readonly durability?: Durability;
  /**
   * Under `power-cut`, which commits wait for the disk. `each-commit` (the default): every
   * one that is not redone if lost. `when-asked`: none, only `flush()`. For the file that the
   * embedded platform's stores and bus share: its write-ahead log keeps commit order, so a
   * flush takes every commit before it to the disk, and only what leaves the file (an answer
   * to a client, a file removed) must wait for one.
   */
  readonly flushes?: 'each-commit' | 'when-asked';
  /**
   * Whether this connection holds the file alone while it is open (`locking_mode =
   * EXCLUSIVE`): the log's index is kept in the process's memory, not in a `-shm` file
   * locked with a system call at every transaction (some 29 `fcntl` per embedded
   * transition). Another connection, of this process or another, cannot open it meanwhile.
   */
  readonly exclusive?: boolean;
}

export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  readonly commitsTogether = true;
  private readonly connection: Database.Database;
  private readonly statements = new BoundedMap<string, Database.Statement>(STATEMENT_CACHE_SIZE);
  private readonly queue: Queued[] = [];
  private draining = false;
  private readonly direct: SqlExecutor;
  private readonly ambient = new AsyncLocalStorage<Ambient>();

  private readonly filename: string;
  /** Whether anything waits for the disk (`power-cut`). */
  private readonly flushes: boolean;
  /** Whether a commit waits for the disk unless redone if lost (else only a flush does). */
  private readonly commitsWait: boolean;
  /** Whether the connection's commits wait for the disk now (see `commitGroup`). */
  private flushing: boolean;
  /**
   * Whether a commit since the last one that waited for the disk (or since the last sync of
   * the log began) may not be on it yet; at first, one of a process that ended before
   * flushing may not.
   */
  private unflushed = true;
  /** Syncs the write-ahead log for `flush()`; none for a database in memory. */
  private readonly log?: WalSync;
  /** The latest sync of the log begun. */
  private lastSync: Promise<void> = Promise.resolve();

  /** `filename` ':memory:' for a throwaway database; parent folders are created. */
  constructor(filename: string, options: SqliteDatabaseOptions = {}) {
    this.flushes = (options.durability ?? 'power-cut') === 'power-cut';
    this.commitsWait = this.flushes && options.flushes !== 'when-asked';
    this.filename = filename === ':memory:' ? filename : resolve(filename);
    if (filename !== ':memory:') {
      mkdirSync(dirname(filename), { recursive: true });
      this.log = new WalSync(`${this.filename}-wal`);
    }
    this.connection = new Database(filename);
    // Before the log is first used: a connection that opened it shared stays so.
    if (options.exclusive) this.connection.pragma('locking_mode = EXCLUSIVE');
    this.connection.pragma('journal_mode = WAL');
    // FULL: a committed transaction survives a power cut. NORMAL: a process crash only (in WAL
    // mode the log is flushed at checkpoints, and the file is never left corrupt).
    this.connection.pragma(`synchronous = ${this.commitsWait ? 'FULL' : 'NORMAL'}`);
    this.flushing = this.commitsWait;
    this.connection.pragma('foreign_keys = ON');
    this.connection.pragma('busy_timeout = 5000');
    // Reads straight from the file's pages in memory, not a read() and a copy per page: with
    // the default 2 MB page cache, a search over a word in thousands of expedientes read most
    // of its rows from the file again on every query. Address space, not memory of its own.
    this.connection.pragma(`mmap_size = ${MMAP_BYTES}`);
    this.connection.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
    this.connection.pragma(`cache_size = -${CACHE_KIB}`);
    // A savepoint's journal (each member of a group commit runs in one) in memory: past 64 KiB
    // SQLite spilled it to a file of its own in /var/tmp, created, unlinked and written page
    // by page, some 26 writes per open in the benchmark. It lives only until the commit.
    this.connection.pragma('temp_store = MEMORY');
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
    if (this.inTransaction()) return this.direct.query<TRow>(sql, params);
    return new Promise((resolve, reject) =>
      this.enqueue({
        read: () => this.runQuery<TRow>(sql, params),
        resolve: resolve as (value: unknown) => void,
        reject,
      }),
    );
  }

  execute(
    sql: string,
    params: readonly SqlParam[] = [],
    options: TransactionOptions = {},
  ): Promise<ExecuteResult> {
    if (this.inTransaction()) return this.direct.execute(sql, params);
    return this.transaction(async (tx) => tx.execute(sql, params), options);
  }

  transaction<T>(
    work: (tx: TransactionExecutor) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    if (this.inTransaction()) return this.nested(work);
    return new Promise<T>((resolve, reject) =>
      this.enqueue({
        work,
        waitsForDisk: this.commitsWait && !options.redoneIfLost,
        resolve: resolve as (value: unknown) => void,
        reject,
      }),
    );
  }

  /** One transaction for all that `work` does on this database (see the class). */
  together<T>(work: () => Promise<T>): Promise<T> {
    return this.inTransaction()
      ? work()
      : this.transaction((tx) => this.inAmbient(tx as TransactionLevel, work));
  }

  afterCommit(callback: () => void): void {
    if (this.inTransaction()) (this.ambient.getStore() as Ambient).level.afterCommit(callback);
    else callback();
  }

  async migrate(component: string, migrations: readonly Migration[]): Promise<void> {
    await this.transaction((tx) => applyMigrations(tx, component, migrations));
  }

  /**
   * Once everything queued before it has committed, an fsync of the write-ahead log in the
   * thread pool (`WalSync`), while the next transactions go on: the log keeps commit order,
   * so it takes every commit before it to the disk. None when every commit so far waited for
   * the disk already, nor under `process-crash` durability.
   */
  async flush(): Promise<void> {
    await new Promise((resolve, reject) => this.enqueue({ flush: true, resolve, reject }));
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await new Promise((resolve, reject) =>
      this.enqueue({ read: () => this.connection.close(), resolve, reject }),
    );
    await this.log?.close();
  }

  private enqueue(job: Queued): void {
    this.queue.push(job);
    if (this.draining) return;
    this.draining = true;
    // A transaction first: once this turn of the event loop has run its I/O callbacks and
    // what they led to, so that what they queue joins its commit (a microtask later, most
    // commits held one transaction: 1.13 on average in the benchmark's transitions, 2.36
    // so). A read first: a microtask later, as before; it has no commit to share.
    if (isTransaction(job)) setImmediate(() => void this.drain());
    else queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      if (isTransaction(this.queue[0])) {
        const group: QueuedTransaction[] = [];
        while (this.queue.length > 0 && isTransaction(this.queue[0])) {
          group.push(this.queue.shift() as QueuedTransaction);
        }
        // A database in memory is this connection's alone.
        await (this.filename === ':memory:'
          ? this.commitGroup(group)
          : inWriteTurn(this.filename, () => this.commitGroup(group)));
      } else if (isFlush(this.queue[0])) {
        this.syncLog(this.queue.shift() as QueuedFlush);
      } else {
        const { read, resolve, reject } = this.queue.shift() as QueuedRead;
        try {
          resolve(read());
        } catch (error) {
          reject(error);
        }
      }
    }
    this.draining = false;
  }

  /** A flush whose turn has come: every commit before it is in the log. */
  private syncLog({ resolve, reject }: QueuedFlush): void {
    if (!this.flushes || !this.log) {
      resolve(undefined);
      return;
    }
    if (this.unflushed) {
      // A commit from now on may come after the sync has begun: it needs another.
      this.unflushed = false;
      this.lastSync = this.log.sync().catch((error: unknown) => {
        this.unflushed = true;
        throw error;
      });
    }
    // With nothing committed since, the sync still running (if one is) covers it all.
    this.lastSync.then(resolve, reject);
  }

  /**
   * One database transaction for the group, one commit. With more than one member, each runs
   * in a savepoint, so that one that throws rolls back alone; none is answered before the commit.
   */
  private async commitGroup(group: readonly QueuedTransaction[]): Promise<void> {
    const shared = group.length > 1;
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    // A group none of whose members waits for the disk commits without waiting; the
    // write-ahead log keeps commit order, so the next flushed commit takes it to disk as well.
    // (SQLite takes the setting only outside a transaction.) The setting stays until a group
    // needs the other one: a file whose commits are mostly of one kind seldom changes it.
    const waits = this.flushes && group.some((job) => job.waitsForDisk);
    this.flushCommits(waits);
    const levels = group.map(() => new TransactionLevel(this.direct));
    try {
      // IMMEDIATE takes the write lock up front, so a second process gets busy, not a deadlock.
      this.run('BEGIN IMMEDIATE');
      for (const [index, job] of group.entries()) {
        const member = () => job.work(levels[index]);
        try {
          outcomes.push({
            ok: true,
            value: await (shared ? this.inSavepoint('member', member) : member()),
          });
        } catch (error) {
          // SQLite itself may have rolled everything back (I/O error, full disk): then nothing holds.
          if (!shared || !this.connection.inTransaction) throw error;
          outcomes.push({ ok: false, value: error });
        }
      }
      this.run('COMMIT');
      this.unflushed = !waits;
    } catch (error) {
      if (this.connection.inTransaction) this.run('ROLLBACK');
      for (const job of group) job.reject(error);
      return;
    }
    runAfterCommit(
      levels.filter((_, index) => outcomes[index].ok).flatMap((level) => level.committed),
    );
    group.forEach((job, index) => {
      const { ok, value } = outcomes[index];
      if (ok) job.resolve(value);
      else job.reject(value);
    });
  }

  private flushCommits(flushing: boolean): void {
    if (flushing === this.flushing) return;
    this.run(`PRAGMA synchronous = ${flushing ? 'FULL' : 'NORMAL'}`);
    this.flushing = flushing;
  }

  /** Whether this call comes from the work of an open `together` on this database. */
  private inTransaction(): boolean {
    return this.ambient.getStore()?.open === true;
  }

  /** A transaction of work that runs in an open `together`: a savepoint in it. */
  private async nested<T>(work: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    const parent = (this.ambient.getStore() as Ambient).level;
    const level = new TransactionLevel(this.direct);
    const ambient: Ambient = { open: true, level };
    try {
      // Its own transactions nest in it, and roll back with it.
      const result = await this.ambient.run(ambient, () =>
        this.inSavepoint('nested', () => work(level)),
      );
      parent.committed.push(...level.committed);
      return result;
    } finally {
      ambient.open = false;
    }
  }

  private async inAmbient<T>(level: TransactionLevel, work: () => Promise<T>): Promise<T> {
    const ambient: Ambient = { open: true, level };
    try {
      return await this.ambient.run(ambient, work);
    } finally {
      // Anything it left running that reaches the database later queues as usual.
      ambient.open = false;
      // On Node before 24 an enabled AsyncLocalStorage costs every promise of the process
      // (about 90 ns each): on only while a `together` runs, of which one runs at a time.
      this.ambient.disable();
    }
  }

  /** `work` in a savepoint: when it throws, what it did rolls back, and the error goes on. */
  private async inSavepoint<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.run(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      this.run(`RELEASE ${name}`);
      return result;
    } catch (error) {
      if (this.connection.inTransaction) {
        this.run(`ROLLBACK TO ${name}`);
        this.run(`RELEASE ${name}`);
      }
      throw error;
    }
  }

  private run(sql: string): void {
    this.statement(sql).run();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private runQuery<TRow>(sql: string, params: readonly SqlParam[]): TRow[] {
    const statement = this.statement(sql);
    if (statement.reader) return statement.all(...toSqlite(params)) as TRow[];
    statement.run(...toSqlite(params));
    return [];
  }

  private runExecute(sql: string, params: readonly SqlParam[]): ExecuteResult {
    const result = this.statement(sql).run(...toSqlite(params));
    return { affectedRows: result.changes, insertId: Number(result.lastInsertRowid) };
  }
}

import {
  assertNextVersion,
  SagaAlreadyExistsError,
  SagaConcurrencyError,
  SagaStore,
} from '../../ports/saga-store';
import { activeSagaStatuses, SagaState } from '../../saga/state';
import { Migration, SqlDatabase, SqlParam } from './sql-database';

/**
 * One row per saga: the whole state as JSON, beside the columns the queries need. The
 * deadline is epoch milliseconds, which both dialects compare alike without time zones.
 */
export const sagaStoreMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'saga instances',
    up: {
      mysql: [
        `CREATE TABLE saga_instances (
          saga_id VARCHAR(100) NOT NULL PRIMARY KEY,
          saga_type VARCHAR(200) NOT NULL,
          status VARCHAR(20) NOT NULL,
          version INT NOT NULL,
          deadline_ms BIGINT NULL,
          state LONGTEXT NOT NULL,
          INDEX saga_instances_status (status),
          INDEX saga_instances_deadline (deadline_ms)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      ],
      sqlite: [
        `CREATE TABLE saga_instances (
          saga_id TEXT NOT NULL PRIMARY KEY,
          saga_type TEXT NOT NULL,
          status TEXT NOT NULL,
          version INTEGER NOT NULL,
          deadline_ms INTEGER NULL,
          state TEXT NOT NULL
        )`,
        'CREATE INDEX saga_instances_status ON saga_instances (status)',
        'CREATE INDEX saga_instances_deadline ON saga_instances (deadline_ms)',
      ],
    },
  },
  {
    version: 2,
    name: 'SQLite: indexes of the active sagas only',
    up: {
      // InnoDB has no partial indexes.
      mysql: [],
      // Ended sagas stay, each with an entry in both indexes for ever, though only sagas under
      // way are looked up: the indexes now hold those alone, and stay as small as they are.
      sqlite: [
        'DROP INDEX saga_instances_status',
        `CREATE INDEX saga_instances_active ON saga_instances (status)
         WHERE status IN ('running', 'compensating')`,
        'DROP INDEX saga_instances_deadline',
        `CREATE INDEX saga_instances_deadline ON saga_instances (deadline_ms)
         WHERE deadline_ms IS NOT NULL`,
      ],
    },
  },
];

/**
 * The active statuses written out: SQLite uses the partial index of migration 2 only for a
 * query whose condition is the index's own, which a bound parameter cannot show.
 */
const activeStatuses = activeSagaStatuses.map((status) => `'${status}'`).join(', ');

const columnsOf = (state: SagaState): SqlParam[] => [
  state.type,
  state.status,
  state.version,
  state.pending ? Date.parse(state.pending.deadline) : null,
  JSON.stringify(state),
];

const statesOf = (rows: readonly { state: string }[]): SagaState[] =>
  rows.map((row) => JSON.parse(row.state) as SagaState);

/** SagaStore on MySQL/MariaDB or SQLite; `migrate()` once at start-up creates its table. */
export class SqlSagaStore implements SagaStore {
  /**
   * Only where the database commits a `together` as one (SQLite): MySQL's runs each
   * transaction on its own, and a saga must then be saved before each local action runs.
   */
  readonly atomically?: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(private readonly db: SqlDatabase) {
    if (db.commitsTogether) this.atomically = (work) => db.together(work);
  }

  migrate(): Promise<void> {
    return this.db.migrate('saga-store', sagaStoreMigrations);
  }

  async create(state: SagaState): Promise<void> {
    assertNextVersion(state, -1);
    try {
      await this.db.execute(
        `INSERT INTO saga_instances (saga_id, saga_type, status, version, deadline_ms, state)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [state.sagaId, ...columnsOf(state)],
      );
    } catch (error) {
      // The drivers word a duplicate key differently; the row being there says it for both.
      if (await this.load(state.sagaId)) throw new SagaAlreadyExistsError(state.sagaId);
      throw error;
    }
  }

  async load(sagaId: string): Promise<SagaState | null> {
    const rows = await this.db.query<{ state: string }>(
      'SELECT state FROM saga_instances WHERE saga_id = ?',
      [sagaId],
    );
    return statesOf(rows)[0] ?? null;
  }

  async save(state: SagaState, expectedVersion: number): Promise<void> {
    assertNextVersion(state, expectedVersion);
    const result = await this.db.execute(
      `UPDATE saga_instances SET saga_type = ?, status = ?, version = ?, deadline_ms = ?, state = ?
       WHERE saga_id = ? AND version = ?`,
      [...columnsOf(state), state.sagaId, expectedVersion],
    );
    if (result.affectedRows === 0) throw new SagaConcurrencyError(state.sagaId, expectedVersion);
  }

  async findActive(): Promise<SagaState[]> {
    const rows = await this.db.query<{ state: string }>(
      `SELECT state FROM saga_instances WHERE status IN (${activeStatuses}) ORDER BY saga_id`,
    );
    return statesOf(rows);
  }

  async findWithDeadlineBefore(time: Date): Promise<SagaState[]> {
    const rows = await this.db.query<{ state: string }>(
      `SELECT state FROM saga_instances
       WHERE deadline_ms < ? AND status IN (${activeStatuses}) ORDER BY deadline_ms`,
      [time.getTime()],
    );
    return statesOf(rows);
  }
}

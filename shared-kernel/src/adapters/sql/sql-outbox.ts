import { Envelope } from '../../messaging/envelope';
import { MessageRegistry } from '../../messaging/message-registry';
import { OutgoingMessage, Outbox } from '../../ports/outbox-inbox';
import { OutboxSource, PendingMessage } from '../shared/outbox-relay';
import { Migration, SqlDatabase, SqlExecutor } from './sql-database';
import { inPowersOfTwo } from './statement-shapes';
import { traced } from '../shared/tracing';

/** Where an outbox keeps its messages unless told otherwise. */
const DEFAULT_TABLE = 'outbox';

/** A table name, checked: it goes into the SQL as it is. */
function tableName(name: string): string {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a table name for an outbox: ${name}`);
  return name;
}

/**
 * The migrations of an outbox in `table` (for two in one file), as component `table`:
 * `database.migrate(table, outboxMigrationsOf(table))`. A message is pending while
 * `published_at` is null; the relay publishes pending ones in `sequence` order.
 */
export function outboxMigrationsOf(table: string): readonly Migration[] {
  const name = tableName(table);
  return [
    {
      version: 1,
      name: 'messages waiting to be published',
      up: {
        mysql: [
          `CREATE TABLE ${name} (
            sequence BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            topic VARCHAR(255) NOT NULL,
            envelope LONGTEXT NOT NULL,
            enqueued_at BIGINT NOT NULL,
            published_at BIGINT NULL,
            KEY ${name}_pending (published_at, sequence)
          ) ENGINE=InnoDB`,
        ],
        sqlite: [
          `CREATE TABLE ${name} (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            envelope TEXT NOT NULL,
            enqueued_at INTEGER NOT NULL,
            published_at INTEGER
          )`,
          `CREATE INDEX ${name}_pending ON ${name} (published_at, sequence)`,
        ],
      },
    },
  ];
}

/** Apply with `database.migrate('outbox', outboxMigrations)`. */
export const outboxMigrations = outboxMigrationsOf(DEFAULT_TABLE);

/** The Outbox on MySQL or SQLite; `OutboxRelay` publishes what it holds (`SqlOutboxSource`). */
export class SqlOutbox implements Outbox<SqlExecutor> {
  constructor(
    private readonly registry: MessageRegistry,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Validates here, so a message that breaks its contract fails the caller's transaction
   * instead of stalling the relay behind it later.
   */
  async enqueue(tx: SqlExecutor, messages: readonly OutgoingMessage[]): Promise<void> {
    const rows = messages.map(({ topic, envelope }) => ({
      topic,
      envelope: traced(this.registry.assertValid(envelope)),
    }));
    const enqueuedAt = this.now();
    // One statement for several (a saga step's event and reply): one round trip, not two.
    // Their sequences follow the order of the rows.
    for (const some of inPowersOfTwo(rows)) {
      await tx.execute(
        `INSERT INTO ${DEFAULT_TABLE} (topic, envelope, enqueued_at)
         VALUES ${some.map(() => '(?, ?, ?)').join(', ')}`,
        some.flatMap(({ topic, envelope }) => [topic, JSON.stringify(envelope), enqueuedAt]),
      );
    }
  }
}

/** What `SqlOutbox` holds, for `OutboxRelay`: pending while `published_at` is null. */
export class SqlOutboxSource implements OutboxSource<number> {
  private readonly table: string;

  constructor(
    private readonly database: SqlDatabase,
    private readonly now: () => number = Date.now,
    table = DEFAULT_TABLE,
  ) {
    this.table = tableName(table);
  }

  async pending(limit: number, after?: number): Promise<PendingMessage<number>[]> {
    // SQLite's one writer gives sequences in commit order, so none can commit behind `after`;
    // MySQL's concurrent transactions can.
    const skip = this.database.dialect === 'sqlite' && after !== undefined;
    const rows = await this.database.query<{
      sequence: number | string;
      topic: string;
      envelope: string;
    }>(
      `SELECT sequence, topic, envelope FROM ${this.table} WHERE published_at IS NULL
       ${skip ? 'AND sequence > ?' : ''} ORDER BY sequence LIMIT ?`,
      skip ? [after, limit] : [limit],
    );
    return rows.map((row) => ({
      id: Number(row.sequence),
      topic: row.topic,
      envelope: JSON.parse(row.envelope) as Envelope,
    }));
  }

  async published(sequences: readonly number[]): Promise<void> {
    await this.database.execute(
      `UPDATE ${this.table} SET published_at = ? WHERE sequence IN (${sequences.map(() => '?').join(', ')})`,
      [this.now(), ...sequences],
      // A mark lost with a power cut publishes the message again, which inboxes absorb.
      { redoneIfLost: true },
    );
  }
}

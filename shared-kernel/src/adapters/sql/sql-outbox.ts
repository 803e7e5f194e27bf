import { Envelope } from '../../messaging/envelope';
import { MessageRegistry } from '../../messaging/message-registry';
import { OutgoingMessage, Outbox } from '../../ports/outbox-inbox';
import { OutboxSource, PendingMessage } from '../shared/outbox-relay';
import { Migration, SqlDatabase, SqlExecutor } from './sql-database';
import { traced } from '../shared/tracing';

/**
 * Apply with `database.migrate('outbox', outboxMigrations)`. A message is pending while
 * `published_at` is null; the relay publishes pending ones in `sequence` order.
 */
export const outboxMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'messages waiting to be published',
    up: {
      mysql: [
        `CREATE TABLE outbox (
          sequence BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          topic VARCHAR(255) NOT NULL,
          envelope LONGTEXT NOT NULL,
          enqueued_at BIGINT NOT NULL,
          published_at BIGINT NULL,
          KEY outbox_pending (published_at, sequence)
        ) ENGINE=InnoDB`,
      ],
      sqlite: [
        `CREATE TABLE outbox (
          sequence INTEGER PRIMARY KEY AUTOINCREMENT,
          topic TEXT NOT NULL,
          envelope TEXT NOT NULL,
          enqueued_at INTEGER NOT NULL,
          published_at INTEGER
        )`,
        'CREATE INDEX outbox_pending ON outbox (published_at, sequence)',
      ],
    },
  },
];

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
    for (const { topic, envelope } of rows) {
      await tx.execute('INSERT INTO outbox (topic, envelope, enqueued_at) VALUES (?, ?, ?)', [
        topic,
        JSON.stringify(envelope),
        enqueuedAt,
      ]);
    }
  }
}

/** What `SqlOutbox` holds, for `OutboxRelay`: pending while `published_at` is null. */
export class SqlOutboxSource implements OutboxSource<number> {
  constructor(
    private readonly database: SqlDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async pending(limit: number, after?: number): Promise<PendingMessage<number>[]> {
    // SQLite's one writer gives sequences in commit order, so none can commit behind `after`;
    // MySQL's concurrent transactions can.
    const skip = this.database.dialect === 'sqlite' && after !== undefined;
    const rows = await this.database.query<{
      sequence: number | string;
      topic: string;
      envelope: string;
    }>(
      `SELECT sequence, topic, envelope FROM outbox WHERE published_at IS NULL
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
      `UPDATE outbox SET published_at = ? WHERE sequence IN (${sequences.map(() => '?').join(', ')})`,
      [this.now(), ...sequences],
      // A mark lost with a power cut publishes the message again, which inboxes absorb.
      { redoneIfLost: true },
    );
  }
}

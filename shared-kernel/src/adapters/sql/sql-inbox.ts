import { Inbox } from '../../ports/outbox-inbox';
import { Migration, SqlExecutor } from './sql-database';

/** Apply with `database.migrate('inbox', inboxMigrations)`. */
export const inboxMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'processed messages per consumer',
    up: {
      mysql: [
        `CREATE TABLE inbox (
          consumer VARCHAR(191) NOT NULL,
          message_id VARCHAR(191) NOT NULL,
          processed_at BIGINT NOT NULL,
          PRIMARY KEY (consumer, message_id)
        ) ENGINE=InnoDB`,
      ],
      sqlite: [
        `CREATE TABLE inbox (
          consumer TEXT NOT NULL,
          message_id TEXT NOT NULL,
          processed_at INTEGER NOT NULL,
          PRIMARY KEY (consumer, message_id)
        )`,
      ],
    },
  },
];

/** MySQL's INSERT IGNORE would silently truncate a longer value, and two ids would collide. */
const maxLength = 191;

/** The Inbox on MySQL or SQLite: a row per (consumer, message id), inserted unless present. */
export class SqlInbox implements Inbox<SqlExecutor> {
  constructor(private readonly now: () => number = Date.now) {}

  async markProcessed(tx: SqlExecutor, consumer: string, messageId: string): Promise<boolean> {
    if (consumer.length > maxLength || messageId.length > maxLength) {
      throw new RangeError(`inbox consumer and message id must be at most ${maxLength} characters`);
    }
    const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const result = await tx.execute(
      `${insert} INTO inbox (consumer, message_id, processed_at) VALUES (?, ?, ?)`,
      [consumer, messageId, this.now()],
    );
    return result.affectedRows === 1;
  }
}

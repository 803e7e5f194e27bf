import { Inbox } from '../../ports/outbox-inbox';
import { Migration, SqlExecutor } from './sql-database';
import { inList, inPowersOfTwo } from './statement-shapes';

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
  {
    version: 2,
    name: 'SQLite: the processed messages kept in their key',
    up: {
      // InnoDB keeps a table in its primary key already.
      mysql: [],
      // A row was a table entry and a key entry, two pages written at each insert; the key
      // alone holds the row now.
      sqlite: [
        `CREATE TABLE inbox_by_key (
          consumer TEXT NOT NULL,
          message_id TEXT NOT NULL,
          processed_at INTEGER NOT NULL,
          PRIMARY KEY (consumer, message_id)
        ) WITHOUT ROWID`,
        'INSERT INTO inbox_by_key SELECT consumer, message_id, processed_at FROM inbox',
        'DROP TABLE inbox',
        'ALTER TABLE inbox_by_key RENAME TO inbox',
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
    checkLength(consumer, messageId);
    const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const result = await tx.execute(
      `${insert} INTO inbox (consumer, message_id, processed_at) VALUES (?, ?, ?)`,
      [consumer, messageId, this.now()],
    );
    return result.affectedRows === 1;
  }

  /**
   * Marks several messages at once (two statements, one for a single message): the ids this
   * consumer had not handled before. One that another transaction marks meanwhile makes the
   * insert, and so the caller's transaction, fail.
   */
  async markAllProcessed(
    tx: SqlExecutor,
    consumer: string,
    messageIds: readonly string[],
  ): Promise<Set<string>> {
    const ids = [...new Set(messageIds)];
    if (ids.length === 0) return new Set();
    if (ids.length === 1) {
      return (await this.markProcessed(tx, consumer, ids[0])) ? new Set(ids) : new Set();
    }
    checkLength(consumer, ...ids);
    const among = inList(ids);
    const handled = await tx.query<{ message_id: string }>(
      `SELECT message_id FROM inbox WHERE consumer = ? AND message_id IN ${among.sql}`,
      [consumer, ...among.params],
    );
    const before = new Set(handled.map((row) => row.message_id));
    const fresh = ids.filter((id) => !before.has(id));
    const processedAt = this.now();
    for (const some of inPowersOfTwo(fresh)) {
      await tx.execute(
        `INSERT INTO inbox (consumer, message_id, processed_at)
         VALUES ${some.map(() => '(?, ?, ?)').join(', ')}`,
        some.flatMap((id) => [consumer, id, processedAt]),
      );
    }
    return new Set(fresh);
  }
}

function checkLength(...values: readonly string[]): void {
  if (values.some((value) => value.length > maxLength)) {
    throw new RangeError(`inbox consumer and message id must be at most ${maxLength} characters`);
  }
}

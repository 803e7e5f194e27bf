import { EmbeddedMessageBus } from '../../src/adapters/embedded';
import { SqliteDatabase } from '../../src/adapters/sql';
import { messageBusContract, temporarySqlite } from '../../src/testing';

const pollIntervalMs = 50;

messageBusContract('EmbeddedMessageBus on a SQLite file', async () => {
  const temp = temporarySqlite();
  const file = await fileOf(temp.db);
  return {
    // In-process buses share the connection: two better-sqlite3 connections in one thread
    // would wait on each other's locks synchronously. The crash test uses a real second
    // process, with its own connection.
    openBus: (registry) => EmbeddedMessageBus.open(temp.db, { registry, pollIntervalMs }),
    injectRaw: async (topic, key, raw) => {
      await temp.db.execute(
        'INSERT INTO bus_messages (topic, message_key, envelope, published_at) VALUES (?, ?, ?, ?)',
        [topic, key, raw, Date.now()],
      );
    },
    childBus: { adapter: 'embedded', file, pollIntervalMs },
    takeoverTimeoutMs: 5_000,
    close: () => temp.dispose(),
  };
});

async function fileOf(db: SqliteDatabase): Promise<string> {
  const [main] = await db.query<{ file: string }>(
    "SELECT file FROM pragma_database_list WHERE name = 'main'",
  );
  return main.file;
}

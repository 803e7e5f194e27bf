import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src';
import { openPlatformDatabase, PLATFORM_FILE } from '../../src/adapters/embedded';
import { ConfigurationError } from '../../src/adapters/runtime';
import {
  inboxMigrations,
  Migration,
  mergeSqliteFiles,
  outboxMigrations,
  outboxMigrationsOf,
  SqliteDatabase,
} from '../../src/adapters/sql';

const messages: Migration = {
  version: 1,
  name: 'messages',
  up: [
    'CREATE TABLE bus_messages (sequence INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)',
  ],
};

/** A file of the earlier layout: migrated as its service did, with rows in its tables. */
async function earlierFile(path: string, fill: (db: SqliteDatabase) => Promise<void>) {
  const db = new SqliteDatabase(path);
  await fill(db);
  await db.close();
}

const outboxWith = (body: string) => async (db: SqliteDatabase) => {
  await db.migrate('outbox', outboxMigrations);
  await db.execute("INSERT INTO outbox (topic, envelope, enqueued_at) VALUES ('t', ?, 1)", [body]);
};

const inboxWith = (consumer: string) => async (db: SqliteDatabase) => {
  await db.migrate('inbox', inboxMigrations);
  await db.execute("INSERT INTO inbox VALUES (?, 'm1', 1)", [consumer]);
};

/** Like search's index: FTS5 over a content table, kept up by triggers. */
const fullText: Migration = {
  version: 1,
  name: 'texts',
  up: [
    'CREATE TABLE texts (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)',
    "CREATE VIRTUAL TABLE texts_index USING fts5(body, content = 'texts', content_rowid = 'seq')",
    `CREATE TRIGGER texts_inserted AFTER INSERT ON texts BEGIN
       INSERT INTO texts_index (rowid, body) VALUES (new.seq, new.body);
     END`,
  ],
};

describe('the embedded platform file', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'platform-file-'));
    await earlierFile(join(dataDir, 'bus.db'), async (db) => {
      await db.migrate('bus', [messages]);
      for (const body of ['m1', 'm2']) {
        await db.execute('INSERT INTO bus_messages (body) VALUES (?)', [body]);
      }
    });
    await earlierFile(join(dataDir, 'documents.db'), outboxWith('from documents'));
    await earlierFile(join(dataDir, 'bpm.db'), async (db) => {
      await outboxWith('from bpm')(db);
      await inboxWith('bpm')(db);
    });
    await earlierFile(join(dataDir, 'search.db'), async (db) => {
      await db.migrate('search', [fullText]);
      await db.execute("INSERT INTO texts (body) VALUES ('licencia de obra mayor')");
      await inboxWith('search')(db);
    });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes in the files of the earlier layout: an outbox renamed, the inboxes joined, the full-text index rebuilt', async () => {
    const db = openPlatformDatabase(dataDir, { logger: silentLogger });
    try {
      await expect(db.query('SELECT envelope FROM outbox')).resolves.toEqual([
        { envelope: 'from bpm' },
      ]);
      await expect(db.query('SELECT envelope FROM documents_outbox')).resolves.toEqual([
        { envelope: 'from documents' },
      ]);
      // Their migrations count as applied under the names the services now use.
      await db.migrate('outbox', outboxMigrations);
      await db.migrate('documents_outbox', outboxMigrationsOf('documents_outbox'));
      const indexes = await db.query<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%outbox_pending'",
      );
      expect(indexes.map((row) => row.name).sort()).toEqual([
        'documents_outbox_pending',
        'outbox_pending',
      ]);
      // One inbox for both, with the rows of each.
      await expect(db.query('SELECT consumer FROM inbox ORDER BY consumer')).resolves.toEqual([
        { consumer: 'bpm' },
        { consumer: 'search' },
      ]);
      await db.migrate('inbox', inboxMigrations);
      // The full-text index, rebuilt from its content, finds the old rows and follows new ones.
      await db.execute("INSERT INTO texts (body) VALUES ('licencia de actividad')");
      const found = await db.query<{ body: string }>(
        "SELECT t.body FROM texts_index i JOIN texts t ON t.seq = i.rowid WHERE texts_index MATCH 'licencia' ORDER BY t.seq",
      );
      expect(found.map((row) => row.body)).toEqual([
        'licencia de obra mayor',
        'licencia de actividad',
      ]);
      // New rows go after the old ones.
      await db.execute("INSERT INTO bus_messages (body) VALUES ('m3')");
      await expect(db.query('SELECT sequence, body FROM bus_messages')).resolves.toEqual([
        { sequence: 1, body: 'm1' },
        { sequence: 2, body: 'm2' },
        { sequence: 3, body: 'm3' },
      ]);
    } finally {
      await db.close();
    }
    for (const file of ['bus.db', 'documents.db', 'bpm.db', 'search.db']) {
      expect(existsSync(join(dataDir, file))).toBe(false);
      expect(existsSync(join(dataDir, `${file}.merged`))).toBe(true);
    }
    await openPlatformDatabase(dataDir, { logger: silentLogger }).close();
  });

  it('after a merge interrupted past its commit, only renames the file', async () => {
    const target = join(dataDir, PLATFORM_FILE);
    const busFile = join(dataDir, 'bus.db');
    expect(mergeSqliteFiles(target, [{ path: busFile }])).toEqual([busFile]);
    // As if the process had died between the commit and the rename.
    copyFileSync(`${busFile}.merged`, busFile);
    expect(mergeSqliteFiles(target, [{ path: busFile }])).toEqual([busFile]);
    expect(existsSync(busFile)).toBe(false);
    const db = new SqliteDatabase(target);
    try {
      await expect(db.query('SELECT body FROM bus_messages')).resolves.toEqual([
        { body: 'm1' },
        { body: 'm2' },
      ]);
    } finally {
      await db.close();
    }
    expect(mergeSqliteFiles(target, [{ path: busFile }])).toEqual([]);
  });

  it('is the one process’s alone while open: a second opening is told why, and no -shm file is made', async () => {
    const first = openPlatformDatabase(dataDir, { logger: silentLogger });
    await first.execute('CREATE TABLE t (x INTEGER)');
    await first.execute('INSERT INTO t VALUES (1)');
    expect(existsSync(join(dataDir, `${PLATFORM_FILE}-shm`))).toBe(false);
    let refusal: unknown;
    try {
      openPlatformDatabase(dataDir, { logger: silentLogger });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigurationError);
    expect((refusal as Error).message).toContain(`DATA_DIR ${dataDir}: platform.db is in use`);
    await first.close();
    const second = openPlatformDatabase(dataDir, { logger: silentLogger });
    try {
      await expect(second.query('SELECT x FROM t')).resolves.toEqual([{ x: 1 }]);
    } finally {
      await second.close();
    }
  });

  it('refuses to merge a table that the target defines otherwise, and leaves the file', async () => {
    const target = join(dataDir, PLATFORM_FILE);
    const other = join(dataDir, 'other.db');
    await earlierFile(other, (db) =>
      db.migrate('other', [
        { version: 1, name: 'messages', up: ['CREATE TABLE bus_messages (id TEXT PRIMARY KEY)'] },
      ]),
    );
    mergeSqliteFiles(target, [{ path: join(dataDir, 'bus.db') }]);
    expect(() => mergeSqliteFiles(target, [{ path: other }])).toThrow(
      'bus_messages is already defined otherwise',
    );
    expect(existsSync(other)).toBe(true);
  });
});

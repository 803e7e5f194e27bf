import fs, { readlinkSync } from 'node:fs';
import {
  Migration,
  SqlDatabase,
  SqliteDatabase,
  SqliteDatabaseOptions,
} from '../../src/adapters/sql';
import {
  describeWithServer,
  TemporaryDatabase,
  temporaryMysql,
  temporarySqlite,
} from '../../src/testing';

const counters: Migration = {
  version: 1,
  name: 'counters',
  up: {
    mysql: [
      'CREATE TABLE counters (name VARCHAR(50) PRIMARY KEY, value BIGINT NOT NULL) ENGINE=InnoDB',
    ],
    sqlite: ['CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)'],
  },
};
const items: Migration = {
  version: 2,
  name: 'items',
  up: {
    mysql: [
      'CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, flag INT, big BIGINT) ENGINE=InnoDB',
    ],
    sqlite: ['CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, flag INTEGER, big BIGINT)'],
  },
};

/**
 * Watches the fsyncs of write-ahead logs (those that `flush()` runs in the thread pool); each
 * is held until `release()` when `hold` is set.
 */
function watchLogSyncs(hold = false) {
  const held: Array<() => void> = [];
  const synced: string[] = [];
  const original = fs.fsync;
  const spy = jest.spyOn(fs, 'fsync').mockImplementation(((fd: number, done: never) => {
    const file = readlinkSync(`/proc/self/fd/${fd}`);
    if (!file.endsWith('-wal')) return original(fd, done);
    const run = () =>
      original(fd, (error) => {
        synced.push(file);
        (done as (error: NodeJS.ErrnoException | null) => void)(error);
      });
    if (hold) held.push(run);
    else run();
  }) as typeof fs.fsync);
  return {
    synced,
    release: () => held.splice(0).forEach((run) => run()),
    restore: () => spy.mockRestore(),
  };
}

/** A fresh SQLite file with the counters table for `work`, deleted afterwards. */
const readlinkOrNothing = (path: string): string => {
  try {
    return readlinkSync(path);
  } catch {
    return ''; // a descriptor closed since the folder was read
  }
};

async function withCounters(
  work: (temp: TemporaryDatabase<SqliteDatabase>) => Promise<void>,
  options: SqliteDatabaseOptions = {},
): Promise<void> {
  const temp = temporarySqlite(options);
  try {
    await temp.db.migrate('test', [counters]);
    await work(temp);
  } finally {
    await temp.dispose();
  }
}

function sqlDatabaseSuite(open: () => Promise<TemporaryDatabase<SqlDatabase>>): void {
  let temp: TemporaryDatabase<SqlDatabase>;
  let db: SqlDatabase;

  beforeEach(async () => {
    temp = await open();
    db = temp.db;
    await db.migrate('test', [counters]);
  });
  afterEach(() => temp?.dispose());

  it('applies each migration once and only the new ones later', async () => {
    await db.migrate('test', [counters]);
    await db.migrate('test', [counters, items]);
    const applied = await db.query<{ version: number }>(
      "SELECT version FROM schema_migrations WHERE component = 'test' ORDER BY version",
    );
    expect(applied.map((row) => Number(row.version))).toEqual([1, 2]);
    await expect(db.execute('INSERT INTO items (flag) VALUES (1)')).resolves.toMatchObject({
      affectedRows: 1,
    });
  });

  it('refuses migrations out of order', async () => {
    await expect(db.migrate('other', [items, counters])).rejects.toThrow(/increasing versions/);
  });

  it('keeps the components apart', async () => {
    await db.migrate('another', [{ version: 1, name: 'noop', up: ['SELECT 1'] }]);
    const rows = await db.query("SELECT * FROM schema_migrations WHERE component = 'another'");
    expect(rows).toHaveLength(1);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.transaction((tx) => tx.execute("INSERT INTO counters VALUES ('a', 1)"));
    await expect(
      db.transaction(async (tx) => {
        await tx.execute("INSERT INTO counters VALUES ('b', 1)");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await db.query<{ name: string }>('SELECT name FROM counters ORDER BY name');
    expect(rows.map((row) => row.name)).toEqual(['a']);
  });

  it('tells afterCommit once the transaction has committed, and never when it rolls back', async () => {
    const told: string[] = [];
    const seen = await db.transaction(async (tx) => {
      await tx.execute("INSERT INTO counters VALUES ('a', 1)");
      tx.afterCommit(() => told.push('committed'));
      return [...told];
    });
    expect(seen).toEqual([]);
    expect(told).toEqual(['committed']);
    await expect(
      db.transaction(async (tx) => {
        tx.afterCommit(() => told.push('rolled back'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(told).toEqual(['committed']);
  });

  it('serialises concurrent read-modify-write transactions', async () => {
    await db.execute("INSERT INTO counters VALUES ('hits', 0)");
    const lock = db.dialect === 'mysql' ? ' FOR UPDATE' : '';
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const [row] = await tx.query<{ value: number }>(
            `SELECT value FROM counters WHERE name = 'hits'${lock}`,
          );
          await tx.execute("UPDATE counters SET value = ? WHERE name = 'hits'", [
            Number(row.value) + 1,
          ]);
        }),
      ),
    );
    const [row] = await db.query<{ value: number }>(
      "SELECT value FROM counters WHERE name = 'hits'",
    );
    expect(Number(row.value)).toBe(20);
  });

  it('round-trips booleans, bigints and text, and reports affected rows', async () => {
    await db.migrate('test', [counters, items]);
    const inserted = await db.execute('INSERT INTO items (flag, big) VALUES (?, ?)', [
      true,
      9007199254740993n,
    ]);
    expect(inserted.insertId).toBeGreaterThan(0);
    const [row] = await db.query<{ flag: unknown; big: unknown }>(
      'SELECT flag, big FROM items WHERE id = ?',
      [inserted.insertId],
    );
    expect(Number(row.flag)).toBe(1);
    expect(BigInt(row.big as string | number | bigint) > 9007199254740991n).toBe(true);
    const updated = await db.execute('UPDATE items SET flag = 0 WHERE id > ?', [0]);
    expect(updated.affectedRows).toBe(1);
  });

  it('sees committed data from a second connection', async () => {
    await db.execute("INSERT INTO counters VALUES ('seen', 7)");
    const other = temp.reopen();
    const rows = await other.query<{ value: number }>(
      "SELECT value FROM counters WHERE name = 'seen'",
    );
    expect(Number(rows[0].value)).toBe(7);
    await other.ping();
  });
}

describe('SqliteDatabase', () => {
  sqlDatabaseSuite(async () => temporarySqlite());

  it('keeps a statement issued during a transaction out of it', async () => {
    await withCounters(async (temp) => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const rolledBack = temp.db.transaction(async (tx) => {
        await tx.execute("INSERT INTO counters VALUES ('inside', 1)");
        await gate;
        throw new Error('roll back');
      });
      const outside = temp.db.execute("INSERT INTO counters VALUES ('outside', 1)");
      release();
      await expect(rolledBack).rejects.toThrow('roll back');
      await outside;
      const rows = await temp.db.query<{ name: string }>('SELECT name FROM counters');
      expect(rows.map((row) => row.name)).toEqual(['outside']);
    });
  });

  it('commits the transactions queued together as one group; one that throws rolls back alone', async () => {
    await withCounters(async (temp) => {
      const other = temp.reopen();
      const seenInside: number[] = [];
      const seenOutside: number[] = [];
      const members = Array.from({ length: 5 }, (_, index) =>
        temp.db.transaction(async (tx) => {
          const [inside] = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM counters');
          const [outside] = await other.query<{ n: number }>('SELECT COUNT(*) AS n FROM counters');
          seenInside.push(Number(inside.n));
          seenOutside.push(Number(outside.n));
          await tx.execute('INSERT INTO counters VALUES (?, ?)', [`m${index}`, index]);
          if (index === 2) throw new Error('this one fails');
          return index;
        }),
      );
      const outcomes = await Promise.allSettled(members);
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      // Each member saw the ones before it (the failed one's row rolled back), and nobody
      // outside saw anything before the one commit.
      expect(seenInside).toEqual([0, 1, 2, 2, 3]);
      expect(seenOutside).toEqual([0, 0, 0, 0, 0]);
      const rows = await other.query<{ name: string }>('SELECT name FROM counters ORDER BY name');
      expect(rows.map((row) => row.name)).toEqual(['m0', 'm1', 'm3', 'm4']);
    });
  });

  it('lets what `together` calls on the database join its transaction, a nested one in a savepoint', async () => {
    await withCounters(async (temp) => {
      const other = temp.reopen();
      const seen = await temp.db.together(async () => {
        // Through the database itself, as a store built on it would: no waiting for itself.
        await temp.db.execute("INSERT INTO counters VALUES ('outer', 1)");
        await expect(
          temp.db.transaction(async (tx) => {
            await tx.execute("INSERT INTO counters VALUES ('nested', 2)");
            throw new Error('the nested one fails');
          }),
        ).rejects.toThrow('the nested one fails');
        await temp.db.transaction((tx) => tx.execute("INSERT INTO counters VALUES ('kept', 3)"));
        const [outside] = await other.query<{ n: number }>('SELECT COUNT(*) AS n FROM counters');
        const inside = await temp.db.query<{ name: string }>('SELECT name FROM counters');
        return { outside: Number(outside.n), inside: inside.map((row) => row.name).sort() };
      });
      expect(seen).toEqual({ outside: 0, inside: ['kept', 'outer'] });
      const rows = await other.query<{ name: string }>('SELECT name FROM counters ORDER BY name');
      expect(rows.map((row) => row.name)).toEqual(['kept', 'outer']);
    });
  });

  it('tells afterCommit of a transaction in a `together` when that commits, of what it kept only', async () => {
    await withCounters(async (temp) => {
      const told: string[] = [];
      const tellLater = (name: string) =>
        temp.db.transaction(async (tx) => tx.afterCommit(() => told.push(name)));
      await temp.db.together(async () => {
        await tellLater('kept');
        // Rolled back to its savepoint, with the one nested in it.
        await expect(
          temp.db.transaction(async (tx) => {
            tx.afterCommit(() => told.push('rolled back'));
            await tellLater('inside the rolled back one');
            throw new Error('fails');
          }),
        ).rejects.toThrow('fails');
        expect(told).toEqual([]);
      });
      expect(told).toEqual(['kept']);

      await expect(
        temp.db.together(async () => {
          await tellLater('lost with its together');
          throw new Error('the together fails');
        }),
      ).rejects.toThrow('the together fails');
      expect(told).toEqual(['kept']);

      // In a group, a member that throws rolls back alone, and so do its waiters.
      await Promise.allSettled(
        ['m0', 'm1', 'm2'].map((name) =>
          temp.db.transaction(async (tx) => {
            tx.afterCommit(() => told.push(name));
            if (name === 'm1') throw new Error('this one fails');
          }),
        ),
      );
      expect(told).toEqual(['kept', 'm0', 'm2']);
    });
  });

  it('keeps the journal of a savepoint in memory, however much it holds', async () => {
    await withCounters(async (temp) => {
      const rows = Array.from({ length: 1000 }, (_, index) => index);
      await temp.db.transaction(async (tx) => {
        for (const row of rows) {
          await tx.execute('INSERT INTO counters VALUES (?, ?)', [`${row}`.padEnd(200, 'x'), 1]);
        }
      });
      const temporaryFiles = () =>
        fs
          .readdirSync('/proc/self/fd')
          .map((fd) => readlinkOrNothing(`/proc/self/fd/${fd}`))
          .filter((file) => /etilqs_/.test(file));
      let seen: string[] = [];
      await temp.db.together(() =>
        // A transaction in a `together` runs in a savepoint: each page it changes is journaled.
        temp.db.transaction(async (tx) => {
          await tx.execute("UPDATE counters SET name = name || 'y', value = value + 1");
          seen = temporaryFiles();
        }),
      );
      expect(seen).toEqual([]);
      const [{ total }] = await temp.db.query<{ total: number }>(
        'SELECT SUM(value) AS total FROM counters',
      );
      expect(total).toBe(2000);
    });
  });

  it('commits what `together` runs as one, or nothing of it', async () => {
    await withCounters(async (temp) => {
      await expect(
        temp.db.together(async () => {
          await temp.db.execute("INSERT INTO counters VALUES ('first', 1)");
          await temp.db.transaction((tx) =>
            tx.execute("INSERT INTO counters VALUES ('second', 2)"),
          );
          throw new Error('the last step fails');
        }),
      ).rejects.toThrow('the last step fails');
      await expect(temp.db.query('SELECT name FROM counters')).resolves.toEqual([]);
      await temp.db.together(() => temp.db.execute("INSERT INTO counters VALUES ('first', 1)"));
      let late: Promise<unknown> = Promise.resolve();
      await temp.db.together(async () => {
        // Left running past the commit: it queues like any other, after it.
        late = new Promise((resolve) => setTimeout(resolve, 5)).then(() =>
          temp.db.execute("INSERT INTO counters VALUES ('late', 2)"),
        );
      });
      await late;
      const rows = await temp.reopen().query<{ name: string }>('SELECT name FROM counters');
      expect(rows.map((row) => row.name).sort()).toEqual(['first', 'late']);
    });
  });

  it('commits a transaction that is redone if lost without a flush, and flushes the next one again', async () => {
    await withCounters(async (temp) => {
      const synchronous = async (): Promise<number> => {
        const [setting] = await temp.db.query<{ synchronous: number }>('PRAGMA synchronous');
        return Number(setting.synchronous);
      };
      const mark = (value: number) =>
        temp.db.execute("INSERT OR REPLACE INTO counters VALUES ('position', ?)", [value], {
          redoneIfLost: true,
        });
      await mark(1);
      expect(await synchronous()).toBe(1); // NORMAL
      await mark(2); // and it stays so while no commit needs more
      expect(await synchronous()).toBe(1);
      await temp.db.execute("INSERT INTO counters VALUES ('change', 1)");
      expect(await synchronous()).toBe(2); // FULL
      const rows = await temp
        .reopen()
        .query<{ name: string; value: number }>('SELECT name, value FROM counters ORDER BY name');
      expect(rows.map((row) => [row.name, Number(row.value)])).toEqual([
        ['change', 1],
        ['position', 2],
      ]);
    });
  });

  it('flushes by syncing the write-ahead log, and only when a commit may not be on the disk', async () => {
    const syncs = watchLogSyncs();
    try {
      await withCounters(async (temp) => {
        await temp.db.execute("INSERT INTO counters VALUES ('mark', 7)", [], {
          redoneIfLost: true,
        });
        type Checkpoint = { log: number };
        const [before] = await temp.db.query<Checkpoint>('PRAGMA wal_checkpoint(PASSIVE)');
        await temp.db.flush();
        expect(syncs.synced).toHaveLength(1);
        expect(syncs.synced[0]).toMatch(/test\.db-wal$/);
        // No commit of its own: the log is as long as before.
        const [after] = await temp.db.query<Checkpoint>('PRAGMA wal_checkpoint(PASSIVE)');
        expect(Number(after.log)).toBe(Number(before.log));
        await temp.db.flush();
        expect(syncs.synced).toHaveLength(1);
        // A commit that waited for the disk leaves nothing to flush either.
        await temp.db.execute("INSERT INTO counters VALUES ('change', 1)");
        await temp.db.flush();
        expect(syncs.synced).toHaveLength(1);
        const rows = await temp.reopen().query<{ value: number }>('SELECT value FROM counters');
        expect(rows.map((row) => Number(row.value)).sort()).toEqual([1, 7]);
      });
    } finally {
      syncs.restore();
    }
  });

  it('answers a flush only once the sync that covers its commits has ended', async () => {
    const syncs = watchLogSyncs(true);
    try {
      await withCounters(async (temp) => {
        await temp.db.execute("INSERT INTO counters VALUES ('mark', 1)", [], {
          redoneIfLost: true,
        });
        const done: string[] = [];
        const first = temp.db.flush().then(() => done.push('first'));
        // Nothing committed in between: it waits for the same sync, not for none.
        const second = temp.db.flush().then(() => done.push('second'));
        // Transactions go on meanwhile.
        await temp.db.execute("UPDATE counters SET value = 2 WHERE name = 'mark'", [], {
          redoneIfLost: true,
        });
        const third = temp.db.flush().then(() => done.push('third'));
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(done).toEqual([]);
        syncs.release();
        await Promise.all([first, second]);
        expect(done.sort()).toEqual(['first', 'second']);
        // The update came after the first sync began: a second sync covers it.
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(done).not.toContain('third');
        syncs.release();
        await third;
        expect(syncs.synced).toHaveLength(2);
      });
    } finally {
      syncs.restore();
    }
  });
});

describe('SqliteDatabase whose commits wait for the disk only when asked', () => {
  sqlDatabaseSuite(async () => temporarySqlite({ flushes: 'when-asked' }));

  const synchronous = async (db: SqliteDatabase): Promise<number> => {
    const [setting] = await db.query<{ synchronous: number }>('PRAGMA synchronous');
    return Number(setting.synchronous);
  };

  it('commits without waiting for the disk, and a flush syncs what came before', async () => {
    const syncs = watchLogSyncs();
    try {
      await withCounters(
        async (temp) => {
          await temp.db.execute("INSERT INTO counters VALUES ('a', 1)");
          expect(await synchronous(temp.db)).toBe(1); // NORMAL
          expect(syncs.synced).toHaveLength(0);
          await temp.db.flush();
          expect(syncs.synced).toHaveLength(1);
          const rows = await temp.reopen().query<{ name: string }>('SELECT name FROM counters');
          expect(rows.map((row) => row.name)).toEqual(['a']);
        },
        { flushes: 'when-asked' },
      );
    } finally {
      syncs.restore();
    }
  });
});

describe('SqliteDatabase that survives a process crash, not a power cut', () => {
  sqlDatabaseSuite(async () => temporarySqlite({ durability: 'process-crash' }));

  it('commits without waiting for the disk, flushes included', async () => {
    await withCounters(
      async (temp) => {
        await temp.db.execute("INSERT INTO counters VALUES ('a', 1)");
        await temp.db.execute("INSERT INTO counters VALUES ('b', 2)", [], { redoneIfLost: true });
        await temp.db.flush();
        const [setting] = await temp.db.query<{ synchronous: number }>('PRAGMA synchronous');
        expect(Number(setting.synchronous)).toBe(1); // NORMAL: the log is flushed at checkpoints
        const rows = await temp.reopen().query<{ name: string }>('SELECT name FROM counters');
        expect(rows.map((row) => row.name).sort()).toEqual(['a', 'b']);
      },
      { durability: 'process-crash' },
    );
  });
});

describeWithServer('mysql', 'MysqlDatabase', (url) => {
  sqlDatabaseSuite(() => temporaryMysql(url()));

  it('lets only one of two racing processes apply a migration', async () => {
    const temp = await temporaryMysql(url());
    try {
      const second = temp.reopen();
      const slow: Migration = {
        version: 1,
        name: 'slow',
        up: ['DO SLEEP(0.3)', 'CREATE TABLE once_only (id INT)'],
      };
      await Promise.all([temp.db.migrate('race', [slow]), second.migrate('race', [slow])]);
      const rows = await temp.db.query("SELECT * FROM schema_migrations WHERE component = 'race'");
      expect(rows).toHaveLength(1);
    } finally {
      await temp.dispose();
    }
  });

  it('begins each transaction with its first statement, not a START TRANSACTION of its own', async () => {
    const temp = await temporaryMysql(url());
    try {
      await temp.db.migrate('test', [counters]);
      const seen: { connection: number; open: number; begun: number }[] = [];
      for (const name of ['a', 'b', 'c']) {
        seen.push(
          await temp.db.transaction(async (tx) => {
            await tx.execute('INSERT INTO counters VALUES (?, 1)', [name]);
            const [{ connection, open }] = await tx.query<{ connection: number; open: number }>(
              'SELECT CONNECTION_ID() AS connection, @@in_transaction AS open',
            );
            const [begun] = await tx.query<{ Value: string }>(
              "SHOW SESSION STATUS LIKE 'Com_begin'",
            );
            return {
              connection: Number(connection),
              open: Number(open),
              begun: Number(begun.Value),
            };
          }),
        );
      }
      // One after the other, the three took the same connection of the pool.
      expect(new Set(seen.map((each) => each.connection)).size).toBe(1);
      expect(seen.map(({ open, begun }) => ({ open, begun }))).toEqual([
        { open: 1, begun: 0 },
        { open: 1, begun: 0 },
        { open: 1, begun: 0 },
      ]);
      // And a single statement still commits on its own: another connection sees it at once.
      await temp.db.execute("INSERT INTO counters VALUES ('d', 1)");
      const rows = await temp.reopen().query<{ name: string }>('SELECT name FROM counters');
      expect(rows.map((row) => row.name).sort()).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      await temp.dispose();
    }
  });
});

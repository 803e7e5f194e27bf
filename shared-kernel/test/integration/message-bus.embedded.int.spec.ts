import { randomUUID } from 'node:crypto';
import { EmbeddedMessageBus, EmbeddedMessageBusOptions } from '../../src/adapters/embedded';
import { SqliteDatabase } from '../../src/adapters/sql';
import { Envelope, EnvelopeFactory } from '../../src/messaging/envelope';
import { eventually, messageBusContract, temporarySqlite } from '../../src/testing';
import { contractRegistry, noteTaken, NoteTaken } from '../../src/testing/message-bus-fixtures';
import { countingQueries } from './counting-queries';

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
    handsBatches: true,
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

const envelopes = new EnvelopeFactory(randomUUID);
/** Note number `seq`, all of one key, so that they are delivered in order. */
const note = (seq: number) =>
  envelopes.create({
    type: noteTaken.type,
    key: 'expediente-p',
    payload: { seq, note: `note ${seq}` },
    actor: { userId: 'bus-tester', roles: ['tester'] },
  });

/** Subscribes `group` to the notes: the numbers of those it is handed, in order. */
async function notesOf(bus: EmbeddedMessageBus, group: string): Promise<number[]> {
  const seen: number[] = [];
  await bus.subscribe({
    group,
    topics: ['notes'],
    handler: async (message) => void seen.push((message.payload as NoteTaken).seq),
  });
  return seen;
}

/** A bus with `options` on a fresh file, closed after `work`. */
async function withBus(
  options: Omit<EmbeddedMessageBusOptions, 'registry'>,
  work: (bus: EmbeddedMessageBus, db: SqliteDatabase) => Promise<void>,
  registry = contractRegistry(),
): Promise<void> {
  const temp = temporarySqlite();
  const bus = await EmbeddedMessageBus.open(temp.db, { registry, ...options });
  try {
    await work(bus, temp.db);
  } finally {
    await bus.close();
    await temp.dispose();
  }
}

/** A bus that never polls: only publishes wake its consumers. */
const withUnpolledBus = (work: (bus: EmbeddedMessageBus, db: SqliteDatabase) => Promise<void>) =>
  withBus({ pollIntervalMs: 60_000 }, work);

describe('EmbeddedMessageBus consumer positions', () => {
  const positionOf = async (db: SqliteDatabase, group: string): Promise<number | undefined> => {
    const [row] = await db.query<{ position: number }>(
      'SELECT position FROM bus_group_positions WHERE group_name = ?',
      [group],
    );
    return row === undefined ? undefined : Number(row.position);
  };
  const lastSequence = async (db: SqliteDatabase): Promise<number> => {
    const [row] = await db.query<{ last: number }>(
      'SELECT MAX(sequence) AS last FROM bus_messages',
    );
    return Number(row.last);
  };

  /** A bus on a fresh file that writes positions every `positionSaveMs`, closed after `work`. */
  const withBus = async (
    positionSaveMs: number,
    work: (bus: EmbeddedMessageBus, db: SqliteDatabase) => Promise<void>,
  ): Promise<void> => {
    const temp = temporarySqlite();
    const bus = await EmbeddedMessageBus.open(temp.db, {
      registry: contractRegistry(),
      pollIntervalMs,
      positionSaveMs,
    });
    try {
      await work(bus, temp.db);
    } finally {
      await bus.close();
      await temp.dispose();
    }
  };

  it('writes a running member’s position within positionSaveMs, one write for many messages', async () => {
    await withBus(200, async (bus, db) => {
      const delivered = await notesOf(bus, 'positions');
      await bus.publish('notes', [note(1), note(2), note(3)]);
      await eventually(() => expect(delivered).toEqual([1, 2, 3]));
      // Delivered, not yet written: a member that died now would deliver them again.
      expect(await positionOf(db, 'positions')).toBeLessThan(await lastSequence(db));
      await eventually(async () =>
        expect(await positionOf(db, 'positions')).toBe(await lastSequence(db)),
      );
    });
  });

  it('writes a position only once the handler’s store says what it stored is on the disk', async () => {
    await withBus(20, async (bus, db) => {
      const delivered: number[] = [];
      let flushes = 0;
      let onDisk!: () => void;
      const flushed = new Promise<void>((resolve) => (onDisk = resolve));
      await bus.subscribe({
        group: 'durable',
        topics: ['notes'],
        handler: async (message) => void delivered.push((message.payload as NoteTaken).seq),
        durable: async () => {
          flushes += 1;
          await flushed;
        },
      });
      const before = (await positionOf(db, 'durable')) ?? 0;
      await bus.publish('notes', [note(1), note(2)]);
      await eventually(() => expect(delivered).toEqual([1, 2]));
      await eventually(() => expect(flushes).toBeGreaterThan(0));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await positionOf(db, 'durable')) ?? 0).toBe(before);
      onDisk();
      await eventually(async () =>
        expect(await positionOf(db, 'durable')).toBe(await lastSequence(db)),
      );
    });
  });

  it('delivers again, to the next member, what a member delivered but never wrote', async () => {
    const temp = temporarySqlite();
    // Save window and lease longer than the test: nothing writes the first member's position.
    const open = () =>
      EmbeddedMessageBus.open(temp.db, {
        registry: contractRegistry(),
        pollIntervalMs,
        positionSaveMs: 60_000,
        leaseMs: 60_000,
      });
    const first = await open();
    const second = await open();
    try {
      const byFirst = await notesOf(first, 'takeover');
      await first.publish('notes', [note(1), note(2)]);
      await eventually(() => expect(byFirst).toEqual([1, 2]));
      // As if the first member had stalled past its lease before writing where it got to.
      await temp.db.execute('UPDATE bus_group_positions SET lease_until = 0');
      const bySecond = await notesOf(second, 'takeover');
      await eventually(() => expect(bySecond).toEqual([1, 2]));
    } finally {
      await Promise.all([first.close(), second.close()]);
      temp.dispose();
    }
  });
});

describe('EmbeddedMessageBus consumers, on what was published through it', () => {
  it('hands a consumer what was published through this bus without reading it back', async () => {
    const temp = temporarySqlite();
    const log = countingQueries(temp.db, 'sequence > ?');
    // No polls: only publishes wake the consumers here.
    const bus = await EmbeddedMessageBus.open(log.db, {
      registry: contractRegistry(),
      pollIntervalMs: 60_000,
    });
    try {
      const delivered = [await notesOf(bus, 'kept-0'), await notesOf(bus, 'kept-1')];
      await bus.publish('notes', [note(1)]);
      await eventually(() => expect(delivered).toEqual([[1], [1]]));
      const before = log.count();

      await bus.publish('notes', [note(2), note(3)]);
      await bus.publish('notes', [note(4)]);
      await eventually(() =>
        expect(delivered).toEqual([
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ]),
      );
      expect(log.count()).toBe(before);
    } finally {
      await bus.close();
      await temp.dispose();
    }
  });

  it('checks what it hands from memory once, as it is published, and hands it read-only', async () => {
    const registry = contractRegistry();
    const checks = jest.spyOn(registry, 'validate');
    await withBus(
      { pollIntervalMs: 60_000 },
      async (bus) => {
        const received: Envelope[] = [];
        for (const group of ['checked-0', 'checked-1']) {
          await bus.subscribe({
            group,
            topics: ['notes'],
            handler: async (message) => void received.push(message),
          });
        }
        await bus.publish('notes', [note(1), note(2)]);
        await eventually(() => expect(received).toHaveLength(4));

        expect(checks).toHaveBeenCalledTimes(2);
        expect(received.map(({ payload }) => (payload as NoteTaken).seq).sort()).toEqual([
          1, 1, 2, 2,
        ]);
        for (const message of received) {
          expect(Object.isFrozen(message) && Object.isFrozen(message.actor.roles)).toBe(true);
          expect(() => ((message.payload as { seq: number }).seq = 9)).toThrow(TypeError);
        }
      },
      registry,
    );
  });

  it('reads, in order, what another writer put between two of its publishes', () =>
    withUnpolledBus(async (bus, db) => {
      const delivered = await notesOf(bus, 'between');
      await bus.publish('notes', [note(1)]);
      await eventually(() => expect(delivered).toEqual([1]));
      await db.execute(
        'INSERT INTO bus_messages (topic, message_key, envelope, published_at) VALUES (?, ?, ?, ?)',
        ['notes', 'expediente-p', JSON.stringify(note(2)), Date.now()],
      );
      await bus.publish('notes', [note(3)]);
      await eventually(() => expect(delivered).toEqual([1, 2, 3]));
    }));
});

describe('EmbeddedMessageBus as the outbox of a store on its database', () => {
  it('delivers what a transaction appends once it commits, and nothing of one rolled back', () =>
    withUnpolledBus(async (bus, db) => {
      const seen = await notesOf(bus, 'outbox-readers');
      const outbox = bus.outbox();
      await db.transaction((tx) =>
        outbox.enqueue(
          tx,
          [1, 2].map((seq) => ({ topic: 'notes', envelope: note(seq) })),
        ),
      );
      await expect(
        db.transaction(async (tx) => {
          await outbox.enqueue(tx, [{ topic: 'notes', envelope: note(3) }]);
          throw new Error('the change fails');
        }),
      ).rejects.toThrow('the change fails');
      await db.transaction((tx) => outbox.enqueue(tx, [{ topic: 'notes', envelope: note(4) }]));
      // Told at the commit: no poll within the test (every 60 s).
      await eventually(() => expect(seen).toEqual([1, 2, 4]));
      // Checked as a publish is: a message that breaks its contract fails the transaction.
      const broken = { ...note(5), payload: { seq: 'five' } };
      await expect(
        db.transaction((tx) => outbox.enqueue(tx, [{ topic: 'notes', envelope: broken }])),
      ).rejects.toThrow();
    }));
});

/** A bus that keeps commands and replies a day, and looks for expired ones every 50 ms. */
const withRetentionBus = (work: (bus: EmbeddedMessageBus, db: SqliteDatabase) => Promise<void>) =>
  withBus({ pollIntervalMs, retentionMs: 24 * 60 * 60 * 1000, pruneIntervalMs: 50 }, work);

describe('EmbeddedMessageBus retention', () => {
  it('deletes the commands and replies past their retention, never events or dead letters', () =>
    withRetentionBus(async (bus, db) => {
      const kinds = ['notes.commands', 'notes.replies', 'notes.events', 'notes.commands.dlq'];
      const seen: string[] = [];
      await bus.subscribe({
        group: 'retention-readers',
        topics: kinds,
        handler: async (message, { topic }) =>
          void seen.push(`${topic} ${(message.payload as NoteTaken).seq}`),
      });
      // Two days old, as a store that ran that long ago left them.
      const twoDaysAgo = Date.now() - 2 * 24 * 60 * 60 * 1000;
      for (const topic of kinds) {
        await db.execute(
          'INSERT INTO bus_messages (topic, message_key, envelope, published_at) VALUES (?, ?, ?, ?)',
          [topic, 'expediente-p', JSON.stringify(note(1)), twoDaysAgo],
        );
      }
      await bus.publish('notes.commands', [note(2)]);
      await eventually(() => expect(seen).toHaveLength(5));

      const left = async () =>
        (
          await db.query<{ topic: string; seq: number }>(
            `SELECT topic, json_extract(envelope, '$.payload.seq') AS seq
             FROM bus_messages ORDER BY topic, sequence`,
          )
        ).map((row) => `${row.topic} ${row.seq}`);
      await eventually(() =>
        expect(left()).resolves.toEqual([
          'notes.commands 2',
          'notes.commands.dlq 1',
          'notes.events 1',
        ]),
      );
      // The consumers go on from where they were.
      await bus.publish('notes.replies', [note(3)]);
      await eventually(() => expect(seen).toContain('notes.replies 3'));
    }));

  it('keeps a command past its retention until every group has acknowledged it', () =>
    withRetentionBus(async (bus, db) => {
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let handed = 0;
      await bus.subscribe({
        group: 'slow-readers',
        topics: ['notes.commands'],
        handler: async () => {
          handed += 1;
          await held;
        },
      });
      await db.execute(
        'INSERT INTO bus_messages (topic, message_key, envelope, published_at) VALUES (?, ?, ?, ?)',
        ['notes.commands', 'expediente-p', JSON.stringify(note(1)), Date.now() - 2 * 86_400_000],
      );
      await eventually(() => expect(handed).toBe(1));
      const count = async () =>
        (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM bus_messages'))[0].n;
      // Several prunes come and go while the group still holds it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await count()).toBe(1);
      release();
      await eventually(() => expect(count()).resolves.toBe(0));
    }));
});

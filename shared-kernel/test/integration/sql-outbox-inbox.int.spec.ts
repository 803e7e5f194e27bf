import { randomUUID } from 'node:crypto';
import {
  inboxMigrations,
  OutboxRelay,
  SqlOutboxSource,
  outboxMigrations,
  SqlDatabase,
  SqlInbox,
  SqlOutbox,
} from '../../src/adapters/sql';
import type { OutboxSource } from '../../src/adapters/shared/outbox-relay';
import { Envelope } from '../../src/messaging/envelope';
import { InvalidMessageError } from '../../src/messaging/message-registry';
import {
  describeWithServer,
  eventually,
  TemporaryDatabase,
  temporaryMysql,
  temporarySqlite,
} from '../../src/testing';
import { opened, RecordingBus, registry } from './outbox-fixtures';

function outboxAndInboxSuite(open: () => Promise<TemporaryDatabase<SqlDatabase>>): void {
  let temp: TemporaryDatabase<SqlDatabase>;
  let db: SqlDatabase;
  let bus: RecordingBus;
  let relay: OutboxRelay;
  const outbox = new SqlOutbox(registry);
  const inbox = new SqlInbox();

  /** The caller's own state, written in the same transaction as its messages. */
  const openExpediente = (messages: Envelope[], fail = false) =>
    db.transaction(async (tx) => {
      await tx.execute('INSERT INTO expedientes (code) VALUES (?)', [randomUUID()]);
      await outbox.enqueue(
        tx,
        messages.map((envelope) => ({ topic: 'expedientes.events', envelope })),
      );
      if (fail) throw new Error('the use case failed after enqueuing');
    });

  const pendingCount = async (): Promise<number> => {
    const [row] = await db.query<{ pending: number }>(
      'SELECT COUNT(*) AS pending FROM outbox WHERE published_at IS NULL',
    );
    return Number(row.pending);
  };

  beforeEach(async () => {
    temp = await open();
    db = temp.db;
    await db.migrate('outbox', outboxMigrations);
    await db.migrate('inbox', inboxMigrations);
    await db.migrate('outbox-inbox-test', [
      { version: 1, name: 'state', up: ['CREATE TABLE expedientes (code VARCHAR(64) NOT NULL)'] },
    ]);
    bus = new RecordingBus();
    relay = new OutboxRelay(new SqlOutboxSource(db), bus, {
      pollIntervalMs: 60_000,
      retryDelayMs: 20,
    });
  });

  afterEach(async () => {
    await relay.stop();
    await temp.dispose();
  });

  describe('SqlOutbox and OutboxRelay', () => {
    it('publishes committed messages in the order they were enqueued, once', async () => {
      const first = [opened('exp-1', 'E-1'), opened('exp-2', 'E-2')];
      const second = [opened('exp-1', 'E-1b')];
      await openExpediente(first);
      await openExpediente(second);

      relay.start();

      const all = [...first, ...second];
      await eventually(() => expect(bus.ids()).toEqual(all.map((message) => message.id)));
      expect(bus.published[0]).toEqual({ topic: 'expedientes.events', message: first[0] });
      await eventually(async () => expect(await pendingCount()).toBe(0));
      relay.nudge();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(bus.published).toHaveLength(all.length);
    });

    it('enqueues the messages of one call with one statement, in their order', async () => {
      const messages = ['E-s1', 'E-s2', 'E-s3', 'E-s4'].map((codigo) => opened('exp-s', codigo));
      let statements = 0;
      await db.transaction((tx) =>
        outbox.enqueue(
          {
            dialect: tx.dialect,
            query: (sql, params) => tx.query(sql, params),
            execute: (sql, params) => {
              statements += 1;
              return tx.execute(sql, params);
            },
          },
          messages.map((envelope) => ({ topic: 'expedientes.events', envelope })),
        ),
      );
      expect(statements).toBe(1);
      const rows = await db.query<{ envelope: string }>(
        'SELECT envelope FROM outbox ORDER BY sequence',
      );
      expect(rows.map((row) => (JSON.parse(row.envelope) as Envelope).id)).toEqual(
        messages.map((message) => message.id),
      );
    });

    it('publishes what it finds of several topics with one call to the bus', async () => {
      const event = opened('exp-t', 'E-t');
      const reply = opened('exp-t', 'E-t-reply');
      await db.transaction((tx) =>
        outbox.enqueue(tx, [
          { topic: 'expedientes.events', envelope: event },
          { topic: 'expedientes.replies', envelope: reply },
        ]),
      );

      relay.start();

      await eventually(async () => expect(await pendingCount()).toBe(0));
      expect(bus.calls).toBe(1);
      expect(bus.published).toEqual([
        { topic: 'expedientes.events', message: event },
        { topic: 'expedientes.replies', message: reply },
      ]);
    });

    it('never publishes the messages of a rolled-back transaction', async () => {
      await expect(openExpediente([opened('exp-3', 'E-3')], true)).rejects.toThrow('failed');
      const committed = opened('exp-4', 'E-4');
      await openExpediente([committed]);

      relay.start();

      await eventually(() => expect(bus.ids()).toEqual([committed.id]));
    });

    it('refuses an invalid message and with it the whole transaction', async () => {
      const broken = { ...opened('exp-5', 'E-5'), payload: { code: 5 } };

      await expect(openExpediente([broken])).rejects.toThrow(InvalidMessageError);

      const [state] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM expedientes');
      expect(Number(state.n)).toBe(0);
      expect(await pendingCount()).toBe(0);
    });

    it('wakes on a nudge without waiting for its poll', async () => {
      relay.start();
      await new Promise((resolve) => setTimeout(resolve, 50)); // idle, waiting a minute
      const message = opened('exp-6', 'E-6');
      await openExpediente([message]);

      relay.nudge();

      await eventually(() => expect(bus.ids()).toEqual([message.id]), 1_000);
    });

    it('keeps the messages and their order when publishing fails, and retries', async () => {
      const messages = [opened('exp-7', 'E-7'), opened('exp-7', 'E-7b')];
      await openExpediente(messages);
      bus.failures = 2;

      relay.start();

      await eventually(() => expect(bus.ids()).toEqual(messages.map((message) => message.id)));
      expect(await pendingCount()).toBe(0);
    });

    it('marks messages published only once the bus has them on the disk', async () => {
      bus.holdDurability();
      const first = opened('exp-9', 'E-9');
      await openExpediente([first]);
      relay.start();
      await eventually(() => expect(bus.ids()).toEqual([first.id]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await pendingCount()).toBe(1);

      // Meanwhile the relay goes on, and never publishes the unmarked one again.
      const second = opened('exp-9', 'E-9b');
      await openExpediente([second]);
      relay.nudge();
      await eventually(() => expect(bus.ids()).toEqual([first.id, second.id]));
      relay.nudge();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(bus.ids()).toEqual([first.id, second.id]);

      bus.release();
      await eventually(async () => expect(await pendingCount()).toBe(0));
      expect(bus.ids()).toEqual([first.id, second.id]);
    });

    it('publishes again after a restart what it published but could not mark', async () => {
      bus.holdDurability();
      const message = opened('exp-10', 'E-10');
      await openExpediente([message]);
      relay.start();
      await eventually(() => expect(bus.ids()).toEqual([message.id]));
      // As after a crash: this relay's memory is gone, the mark never made it. The bus holds
      // back until the new relay has read the outbox: released earlier, the first relay's
      // mark could win that race (it did, once in CI).
      const next = new OutboxRelay(new SqlOutboxSource(db), bus, { pollIntervalMs: 60_000 });
      next.start();
      try {
        await eventually(() => expect(bus.ids()).toEqual([message.id, message.id]));
      } finally {
        bus.release();
        await next.stop();
      }
    });

    it('marks on stop what it has published', async () => {
      const message = opened('exp-11', 'E-11');
      await openExpediente([message]);
      bus.holdDurability();
      relay.start();
      await eventually(() => expect(bus.ids()).toEqual([message.id]));

      const stopping = relay.stop();
      bus.release();
      await stopping;

      expect(await pendingCount()).toBe(0);
    });

    describe('with a mark delay', () => {
      /** A relay whose marks wait `markDelayMs`, and the ids of each of its marks. */
      const delayedRelay = (markDelayMs: number) => {
        const source = new SqlOutboxSource(db);
        const marks: number[][] = [];
        const counted: OutboxSource<number> = {
          pending: (limit, after) => source.pending(limit, after),
          published: async (ids) => {
            marks.push([...ids]);
            await source.published(ids);
          },
        };
        return {
          relay: new OutboxRelay(counted, bus, { pollIntervalMs: 60_000, markDelayMs }),
          marks,
        };
      };

      it('marks what it published meanwhile with one write', async () => {
        const delayed = delayedRelay(1_000);
        delayed.relay.start();
        const messages = [
          opened('exp-d', 'E-d1'),
          opened('exp-d', 'E-d2'),
          opened('exp-d', 'E-d3'),
        ];
        try {
          for (const message of messages) {
            await openExpediente([message]);
            delayed.relay.nudge();
            await eventually(() => expect(bus.ids()).toContain(message.id));
          }
          expect(await pendingCount()).toBe(3);
          await eventually(async () => expect(await pendingCount()).toBe(0));
        } finally {
          await delayed.relay.stop();
        }

        expect(delayed.marks).toHaveLength(1);
        expect(delayed.marks[0]).toHaveLength(3);
        expect(bus.ids()).toEqual(messages.map((message) => message.id));
      });

      it('marks at once when it stops', async () => {
        const delayed = delayedRelay(60_000);
        const message = opened('exp-d', 'E-d4');
        await openExpediente([message]);
        delayed.relay.start();
        await eventually(() => expect(bus.ids()).toEqual([message.id]));

        const started = Date.now();
        await delayed.relay.stop();

        expect(Date.now() - started).toBeLessThan(10_000);
        expect(await pendingCount()).toBe(0);
      });
    });

    it('loses nothing with two relays on one outbox (two replicas)', async () => {
      const second = new OutboxRelay(new SqlOutboxSource(db), bus, {
        pollIntervalMs: 20,
        retryDelayMs: 20,
      });
      relay.start();
      second.start();
      const messages = Array.from({ length: 40 }, (_, index) =>
        opened(`exp-r${index % 4}`, `E-r${index}`),
      );
      try {
        for (const message of messages) {
          await openExpediente([message]);
          relay.nudge();
          second.nudge();
        }
        await eventually(async () => expect(await pendingCount()).toBe(0));
      } finally {
        await second.stop();
      }

      // At least once each; a message both relays took goes out twice, which inboxes absorb.
      expect(new Set(bus.ids())).toEqual(new Set(messages.map((message) => message.id)));
      // Each expediente's messages first went out in the order they were enqueued.
      const firstSeen = [...new Set(bus.ids())];
      for (const key of ['exp-r0', 'exp-r1', 'exp-r2', 'exp-r3']) {
        const ofKey = messages.filter((message) => message.key === key).map(({ id }) => id);
        expect(firstSeen.filter((id) => ofKey.includes(id))).toEqual(ofKey);
      }
    });

    it('publishes after a restart what was enqueued while it was stopped', async () => {
      relay.start();
      await relay.stop();
      const message = opened('exp-8', 'E-8');
      await openExpediente([message]);
      expect(bus.published).toHaveLength(0);

      relay.start();

      await eventually(() => expect(bus.ids()).toEqual([message.id]));
    });
  });

  describe('SqlInbox', () => {
    it('marks a message once per consumer', async () => {
      const id = randomUUID();
      const mark = (consumer: string) =>
        db.transaction((tx) => inbox.markProcessed(tx, consumer, id));

      expect(await mark('search.IndexOnExpedienteOpened')).toBe(true);
      expect(await mark('search.IndexOnExpedienteOpened')).toBe(false);
      expect(await mark('bpm.StartOnExpedienteOpened')).toBe(true);
    });

    it('forgets the mark when the handler transaction rolls back', async () => {
      const id = randomUUID();
      await expect(
        db.transaction(async (tx) => {
          expect(await inbox.markProcessed(tx, 'consumer', id)).toBe(true);
          throw new Error('the handler failed');
        }),
      ).rejects.toThrow('the handler failed');

      expect(await db.transaction((tx) => inbox.markProcessed(tx, 'consumer', id))).toBe(true);
    });

    it('lets only one of two concurrent deliveries of a message through', async () => {
      const id = randomUUID();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let firstMarked!: () => void;
      const marked = new Promise<void>((resolve) => (firstMarked = resolve));

      const first = db.transaction(async (tx) => {
        const fresh = await inbox.markProcessed(tx, 'consumer', id);
        firstMarked();
        await held; // still uncommitted while the second delivery arrives
        return fresh;
      });
      await marked;
      const second = db.transaction((tx) => inbox.markProcessed(tx, 'consumer', id));
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();

      expect(await Promise.all([first, second])).toEqual([true, false]);
    });

    it('marks several messages at once, telling which it had not handled before', async () => {
      const [seen, fresh, twice] = [randomUUID(), randomUUID(), randomUUID()];
      const markAll = (ids: string[]) =>
        db.transaction((tx) => inbox.markAllProcessed(tx, 'consumer', ids));
      await db.transaction((tx) => inbox.markProcessed(tx, 'consumer', seen));

      expect(await markAll([seen, fresh, twice, twice])).toEqual(new Set([fresh, twice]));
      expect(await markAll([fresh, twice])).toEqual(new Set());
      expect(await markAll([])).toEqual(new Set());
      const alone = randomUUID();
      expect(await markAll([alone])).toEqual(new Set([alone]));
      expect(await markAll([alone])).toEqual(new Set());
    });
  });
}

describe('SQL outbox and inbox on a SQLite file', () => {
  outboxAndInboxSuite(async () => temporarySqlite());

  it('keeps the messages handled before the inbox moved into its key', async () => {
    const temp = temporarySqlite();
    try {
      await temp.db.migrate('inbox', inboxMigrations.slice(0, 1));
      const inbox = new SqlInbox();
      await temp.db.transaction((tx) => inbox.markAllProcessed(tx, 'search', ['m1', 'm2']));

      await temp.db.migrate('inbox', inboxMigrations);

      const marked = await temp.db.transaction((tx) =>
        inbox.markAllProcessed(tx, 'search', ['m1', 'm2', 'm3']),
      );
      expect(marked).toEqual(new Set(['m3']));
      await expect(
        temp.db.query(
          "SELECT sql FROM sqlite_schema WHERE name = 'inbox' AND sql LIKE '%WITHOUT ROWID'",
        ),
      ).resolves.toHaveLength(1);
    } finally {
      await temp.dispose();
    }
  });
});

describeWithServer('mysql', 'SQL outbox and inbox on MySQL/MariaDB', (url) => {
  outboxAndInboxSuite(() => temporaryMysql(url()));
});

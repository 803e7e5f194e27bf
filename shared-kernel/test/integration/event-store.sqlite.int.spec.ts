import { randomUUID } from 'node:crypto';
import { SqlEventStore } from '../../src/adapters/sql/sql-event-store';
import { RecordedEvent } from '../../src/ports';
import { eventually, temporarySqlite } from '../../src/testing';
import { sqlEventStoreSuite, subscribed } from './sql-event-store-suite';

sqlEventStoreSuite('SqlEventStore on a SQLite file', async () => temporarySqlite());

describe('SqlEventStore on SQLite, inside `together`', () => {
  it('hands its subscriptions an append only once the together has committed it', async () => {
    const temp = temporarySqlite();
    const store = await SqlEventStore.open(temp.db, { pollIntervalMs: 20 });
    const prefix = `together-${randomUUID()}`;
    const seen: RecordedEvent[][] = [[]];
    const subscriptions = await subscribed(store, prefix, seen);
    const append = (stream: string) =>
      store.appendToStream(`${prefix}-${stream}`, [{ id: randomUUID(), type: 't', data: {} }], {
        expectedVersion: 'no_stream',
      });
    try {
      await expect(
        temp.db.together(async () => {
          await append('rolled-back');
          throw new Error('the step after the append fails');
        }),
      ).rejects.toThrow('fails');
      await temp.db.together(async () => {
        await append('kept');
        expect(seen[0]).toEqual([]);
      });
      await eventually(() => expect(seen[0]).toHaveLength(1));
      // Polls have come and gone meanwhile: the rolled back one was never there to be read.
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(seen[0].map((event) => event.streamId)).toEqual([`${prefix}-kept`]);
    } finally {
      await subscriptions.stop();
      await store.close();
      await temp.dispose();
    }
  });

  it('keeps nothing of a stream read inside a together that rolled back', async () => {
    const temp = temporarySqlite();
    const store = await SqlEventStore.open(temp.db);
    const streamId = `rolled-back-${randomUUID()}`;
    try {
      await expect(
        temp.db.together(async () => {
          await store.appendToStream(streamId, [{ id: randomUUID(), type: 't', data: {} }], {
            expectedVersion: 'no_stream',
          });
          expect(await store.readStream(streamId)).toHaveLength(1);
          throw new Error('the step after the read fails');
        }),
      ).rejects.toThrow('fails');
      await expect(store.readStream(streamId)).resolves.toEqual([]);
    } finally {
      await store.close();
      await temp.dispose();
    }
  });
});

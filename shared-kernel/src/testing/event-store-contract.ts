import { randomUUID } from 'node:crypto';
import { eventually } from './eventually';
import {
  EventMetadata,
  EventStore,
  EventSubscription,
  EventToAppend,
  RecordedEvent,
  WrongExpectedVersionError,
} from '../ports/event-store';

export interface EventStoreUnderTest {
  readonly store: EventStore;
  /** Opens the same data anew, as a restarted process would (after `store.close()`). */
  readonly reopen?: () => Promise<EventStore>;
  /** Closes what is still open and removes the data. */
  readonly cleanup: () => Promise<void>;
  /** Whether its subscriptions give a batch handler several events at once (else none). */
  readonly handsBatches: boolean;
}

const newEvent = (data: Record<string, unknown> = {}, metadata?: EventMetadata): EventToAppend => ({
  id: randomUUID(),
  type: 'contract.something-happened.v1',
  data,
  ...(metadata ? { metadata } : {}),
});

const newEvents = (count: number): EventToAppend[] =>
  Array.from({ length: count }, (_, index) => newEvent({ index }));

/** A prefix no other test (nor an earlier run against the same server) uses. */
const uniquePrefix = (): string => `contract${randomUUID().replace(/-/g, '')}-`;

const idsOf = (events: readonly { id: string }[]): string[] => events.map((event) => event.id);

/** A subscriber that records what it was handed. */
async function record(
  store: EventStore,
  subscriberId: string,
  prefix: string,
  handle: (event: RecordedEvent) => Promise<void> = async () => undefined,
): Promise<{ seen: RecordedEvent[]; subscription: EventSubscription }> {
  const seen: RecordedEvent[] = [];
  const subscription = await store.subscribeToAll(
    subscriberId,
    async (event) => {
      seen.push(event);
      await handle(event);
    },
    { streamPrefixes: [prefix] },
  );
  return { seen, subscription };
}

/**
 * The behaviour every EventStore adapter must have. `makeStore` gives a ready store; the suite
 * shares one per file and keeps its tests apart with fresh stream ids and prefixes.
 */
export function eventStoreContract(
  name: string,
  makeStore: () => Promise<EventStoreUnderTest>,
): void {
  describe(`${name} (EventStore contract)`, () => {
    let underTest: EventStoreUnderTest;
    let store: EventStore;
    const subscriptions: EventSubscription[] = [];

    beforeAll(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    });
    afterAll(() => underTest?.cleanup());

    const subscribe = async (
      ...args: Parameters<typeof record>
    ): Promise<Awaited<ReturnType<typeof record>>> => {
      const recording = await record(...args);
      subscriptions.push(recording.subscription);
      return recording;
    };

    describe('appending and reading a stream', () => {
      it('reads a new stream back in order, with versions from 0', async () => {
        const streamId = `${uniquePrefix()}stream`;
        const first = newEvents(3);
        const result = await store.appendToStream(streamId, first, {
          expectedVersion: 'no_stream',
        });
        expect(result.nextExpectedVersion).toBe(2);
        const second = newEvents(2);
        await store.appendToStream(streamId, second, { expectedVersion: 2 });

        const read = await store.readStream(streamId);
        expect(idsOf(read)).toEqual(idsOf([...first, ...second]));
        expect(read.map((event) => event.streamVersion)).toEqual([0, 1, 2, 3, 4]);
        expect(read.map((event) => event.data)).toEqual([...first, ...second].map((e) => e.data));
        expect(read.every((event) => event.streamId === streamId)).toBe(true);
        expect(read.every((event) => event.type === 'contract.something-happened.v1')).toBe(true);
      });

      it('reads from a given version on', async () => {
        const streamId = `${uniquePrefix()}stream`;
        const events = newEvents(4);
        await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        const read = await store.readStream(streamId, { fromVersion: 2 });
        expect(idsOf(read)).toEqual(idsOf(events.slice(2)));
      });

      it('reads a stream that does not exist as empty', async () => {
        await expect(store.readStream(`${uniquePrefix()}missing`)).resolves.toEqual([]);
      });

      it('returns the position of the last appended event', async () => {
        const streamId = `${uniquePrefix()}stream`;
        const first = await store.appendToStream(streamId, newEvents(1), {
          expectedVersion: 'no_stream',
        });
        const second = await store.appendToStream(streamId, newEvents(2), { expectedVersion: 0 });
        expect(second.position).toBeGreaterThan(first.position);
        const read = await store.readStream(streamId);
        expect(read.map((event) => event.position)).toEqual([
          first.position,
          expect.any(BigInt),
          second.position,
        ]);
      });

      it('keeps metadata, data and ids as given and sets recordedAt', async () => {
        const streamId = `${uniquePrefix()}stream`;
        const metadata = {
          correlationId: randomUUID(),
          causationId: randomUUID(),
          actor: { userId: 'ana.garcia', roles: ['tramitador', 'supervisor'] },
        };
        const data = {
          code: 'EXP-2025/001',
          title: 'Licencia de obra: «ampliación»',
          amount: 12.5,
        };
        const event = newEvent(data, metadata);
        const before = Date.now();
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });

        const [read] = await store.readStream(streamId);
        expect(read.id).toBe(event.id);
        expect(read.data).toEqual(data);
        expect(read.metadata).toEqual(metadata);
        expect(read.recordedAt).toBeInstanceOf(Date);
        // The server's clock may differ a little from ours.
        expect(Math.abs(read.recordedAt.getTime() - before)).toBeLessThan(60_000);
      });

      it('stores an event without metadata with empty metadata', async () => {
        const streamId = `${uniquePrefix()}stream`;
        await store.appendToStream(streamId, [newEvent({ a: 1 })], {
          expectedVersion: 'no_stream',
        });
        const [read] = await store.readStream(streamId);
        expect(read.metadata).toEqual({});
      });
    });

    describe('optimistic concurrency', () => {
      const rejectsWithConflict = async (append: Promise<unknown>): Promise<void> => {
        await expect(append).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(append).rejects.toMatchObject({ code: 'EVENT_STORE.WRONG_EXPECTED_VERSION' });
      };

      it('refuses no_stream on a stream that exists, and writes nothing', async () => {
        const streamId = `${uniquePrefix()}stream`;
        const existing = newEvents(1);
        await store.appendToStream(streamId, existing, { expectedVersion: 'no_stream' });
        await rejectsWithConflict(
          store.appendToStream(streamId, newEvents(2), { expectedVersion: 'no_stream' }),
        );
        expect(idsOf(await store.readStream(streamId))).toEqual(idsOf(existing));
      });

      it('refuses a stale version, and writes nothing', async () => {
        const streamId = `${uniquePrefix()}stream`;
        const existing = newEvents(3);
        await store.appendToStream(streamId, existing, { expectedVersion: 'no_stream' });
        await rejectsWithConflict(
          store.appendToStream(streamId, newEvents(2), { expectedVersion: 1 }),
        );
        expect(idsOf(await store.readStream(streamId))).toEqual(idsOf(existing));
      });

      it('refuses a version on a stream that does not exist', async () => {
        const streamId = `${uniquePrefix()}stream`;
        await rejectsWithConflict(
          store.appendToStream(streamId, newEvents(1), { expectedVersion: 0 }),
        );
        await expect(store.readStream(streamId)).resolves.toEqual([]);
      });

      it('takes -1 as the version of a stream that does not exist (a new aggregate)', async () => {
        const streamId = `${uniquePrefix()}stream`;
        await store.appendToStream(streamId, newEvents(1), { expectedVersion: -1 });
        await rejectsWithConflict(
          store.appendToStream(streamId, newEvents(1), { expectedVersion: -1 }),
        );
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('lets exactly one of several concurrent writers with the same version win', async () => {
        const streamId = `${uniquePrefix()}stream`;
        await store.appendToStream(streamId, newEvents(1), { expectedVersion: 'no_stream' });
        const attempts = Array.from({ length: 5 }, () => newEvents(2));
        const outcomes = await Promise.allSettled(
          attempts.map((events) => store.appendToStream(streamId, events, { expectedVersion: 0 })),
        );

        const winners = outcomes.flatMap((outcome, index) =>
          outcome.status === 'fulfilled' ? [attempts[index]] : [],
        );
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
          }
        }
        const read = await store.readStream(streamId);
        expect(idsOf(read.slice(1))).toEqual(idsOf(winners[0]));
      });

      it("appends with 'any' whatever the stream's version", async () => {
        const streamId = `${uniquePrefix()}stream`;
        await store.appendToStream(streamId, newEvents(1), { expectedVersion: 'any' });
        const result = await store.appendToStream(streamId, newEvents(2), {
          expectedVersion: 'any',
        });
        expect(result.nextExpectedVersion).toBe(2);
        expect(await store.readStream(streamId)).toHaveLength(3);
      });
    });

    describe('reading all streams', () => {
      /** Appends one event to each stream in turn, so the streams interleave. */
      const interleave = async (streamIds: readonly string[], rounds: number) => {
        const appended: EventToAppend[] = [];
        for (let round = 0; round < rounds; round += 1) {
          for (const streamId of streamIds) {
            const event = newEvent({ streamId, round });
            await store.appendToStream(streamId, [event], { expectedVersion: 'any' });
            appended.push(event);
          }
        }
        return appended;
      };

      it('reads in append order, strictly after `after`, up to `limit`', async () => {
        const prefix = uniquePrefix();
        const { position: mark } = await store.appendToStream(`${prefix}mark`, newEvents(1), {
          expectedVersion: 'no_stream',
        });
        const appended = await interleave([`${prefix}a`, `${prefix}b`], 3);

        const all = await store.readAll({ after: mark });
        expect(idsOf(all)).toEqual(idsOf(appended));
        const positions = all.map((event) => event.position);
        expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);

        const afterSecond = await store.readAll({ after: all[1].position, limit: 2 });
        expect(idsOf(afterSecond)).toEqual(idsOf(appended.slice(2, 4)));
        await expect(store.readAll({ after: all[5].position })).resolves.toEqual([]);
      });

      it('reads from the beginning when no position is given', async () => {
        const prefix = uniquePrefix();
        await interleave([`${prefix}a`], 1);
        const first = await store.readAll({ limit: 1 });
        expect(first).toHaveLength(1);
        const everything = await store.readAll({ streamPrefixes: [prefix] });
        expect(everything).toHaveLength(1);
      });

      it('keeps only the streams that start with one of the prefixes', async () => {
        const prefix = uniquePrefix();
        const appended = await interleave(
          [`${prefix}expediente-1`, `${prefix}documento-1`, `${prefix}proceso-1`],
          2,
        );
        const wanted = [`${prefix}expediente-`, `${prefix}proceso-`];
        const read = await store.readAll({ streamPrefixes: wanted });
        const expected = appended.filter((event) =>
          wanted.some((p) => String(event.data.streamId).startsWith(p)),
        );
        expect(idsOf(read)).toEqual(idsOf(expected));

        const limited = await store.readAll({ streamPrefixes: wanted, limit: 3 });
        expect(idsOf(limited)).toEqual(idsOf(expected.slice(0, 3)));
        const upperCase = await store.readAll({ streamPrefixes: [prefix.toUpperCase()] });
        expect(upperCase).toEqual([]);
      });
    });

    describe('subscriptions', () => {
      it('delivers past events, then new ones, in order', async () => {
        const prefix = uniquePrefix();
        const past = newEvents(3);
        await store.appendToStream(`${prefix}a`, past, { expectedVersion: 'no_stream' });
        const { seen } = await subscribe(store, randomUUID(), prefix);
        await eventually(() => expect(seen).toHaveLength(3));

        const live = [newEvent(), newEvent()];
        await store.appendToStream(`${prefix}b`, [live[0]], { expectedVersion: 'no_stream' });
        await store.appendToStream(`${prefix}a`, [live[1]], { expectedVersion: 2 });
        await eventually(() => expect(seen).toHaveLength(5));
        expect(idsOf(seen)).toEqual(idsOf([...past, ...live]));
      });

      it('delivers every stream without prefixes, but none of its own bookkeeping', async () => {
        const prefix = uniquePrefix();
        const { position: mark } = await store.appendToStream(`${prefix}mark`, newEvents(1), {
          expectedVersion: 'no_stream',
        });
        const seen: RecordedEvent[] = [];
        const subscription = await store.subscribeToAll(randomUUID(), async (event) => {
          if (event.position > mark) seen.push(event);
        });
        subscriptions.push(subscription);
        const events = [newEvent(), newEvent()];
        await store.appendToStream(`${prefix}a`, [events[0]], { expectedVersion: 'no_stream' });
        await store.appendToStream(`${prefix}b`, [events[1]], { expectedVersion: 'no_stream' });
        await eventually(() => expect(seen).toHaveLength(2));
        // Checkpoints stored meanwhile must show up neither here nor in readAll.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(idsOf(seen)).toEqual(idsOf(events));
        expect(idsOf(await store.readAll({ after: mark }))).toEqual(idsOf(events));
      });

      it('misses nothing when many writers append at once', async () => {
        const prefix = uniquePrefix();
        const { seen } = await subscribe(store, randomUUID(), prefix);
        const events = newEvents(20);
        await Promise.all(
          events.map((event, index) =>
            store.appendToStream(`${prefix}${index}`, [event], { expectedVersion: 'no_stream' }),
          ),
        );
        await eventually(() => expect(seen).toHaveLength(20));
        expect(new Set(idsOf(seen))).toEqual(new Set(idsOf(events)));
        const positions = seen.map((event) => event.position);
        expect(positions.every((position, i) => i === 0 || position > positions[i - 1])).toBe(true);
      });

      it('resumes after its checkpoint when subscribed again', async () => {
        const prefix = uniquePrefix();
        const subscriberId = randomUUID();
        const before = newEvents(3);
        await store.appendToStream(`${prefix}a`, before, { expectedVersion: 'no_stream' });
        const first = await subscribe(store, subscriberId, prefix);
        await eventually(() => expect(first.seen).toHaveLength(3));
        await first.subscription.stop();

        const after = newEvents(2);
        await store.appendToStream(`${prefix}a`, after, { expectedVersion: 2 });
        const second = await subscribe(store, subscriberId, prefix);
        await eventually(() => expect(second.seen).toHaveLength(2));
        // Give a wrongly redelivered event time to show up.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(idsOf(second.seen)).toEqual(idsOf(after));
      });

      it('keeps a separate checkpoint per subscriber', async () => {
        const prefix = uniquePrefix();
        const events = newEvents(3);
        await store.appendToStream(`${prefix}a`, events, { expectedVersion: 'no_stream' });
        const early = await subscribe(store, randomUUID(), prefix);
        await eventually(() => expect(early.seen).toHaveLength(3));

        const late = await subscribe(store, randomUUID(), prefix);
        await eventually(() => expect(late.seen).toHaveLength(3));
        expect(idsOf(late.seen)).toEqual(idsOf(events));
        expect(idsOf(early.seen)).toEqual(idsOf(events));
      });

      it('retries a failing event and never skips it', async () => {
        const prefix = uniquePrefix();
        const events = newEvents(3);
        await store.appendToStream(`${prefix}a`, events, { expectedVersion: 'no_stream' });
        let failuresLeft = 2;
        const { seen } = await subscribe(store, randomUUID(), prefix, async (event) => {
          if (event.id === events[1].id && failuresLeft > 0) {
            failuresLeft -= 1;
            throw new Error('handler failed');
          }
        });
        await eventually(() => expect(seen).toHaveLength(5));
        expect(idsOf(seen)).toEqual(idsOf([events[0], events[1], events[1], events[1], events[2]]));
      });

      it('with `durable`, stores its checkpoint only once what it did is durable', async () => {
        const prefix = uniquePrefix();
        const subscriberId = randomUUID();
        const events = newEvents(3);
        await store.appendToStream(`${prefix}a`, events, { expectedVersion: 'no_stream' });
        let release!: () => void;
        const onDisk = new Promise<void>((resolve) => (release = resolve));
        const seen: RecordedEvent[] = [];
        const trailing = await store.subscribeToAll(subscriberId, async (e) => void seen.push(e), {
          streamPrefixes: [prefix],
          durable: () => onDisk,
        });
        await eventually(() => expect(seen).toHaveLength(3));

        // Nothing durable yet: a subscriber with its id starts from the beginning.
        const meanwhile = await subscribe(store, subscriberId, prefix);
        await eventually(() => expect(meanwhile.seen).toHaveLength(3));
        await meanwhile.subscription.stop();
        release();
        await trailing.stop();

        const later = newEvent();
        await store.appendToStream(`${prefix}a`, [later], { expectedVersion: 2 });
        const resumed = await subscribe(store, subscriberId, prefix);
        await eventually(() => expect(resumed.seen).toHaveLength(1));
        expect(idsOf(resumed.seen)).toEqual([later.id]);
        expect(idsOf(seen)).toEqual(idsOf(events));
      });

      describe('with a batch handler', () => {
        /** Both handlers, recording in one list, in turn, what each was handed. */
        const subscribeBoth = async (prefix: string, failBatches = false) => {
          const handed: Array<{ readonly ids: string[]; readonly at: 'batch' | 'one' }> = [];
          const subscription = await store.subscribeToAll(
            randomUUID(),
            async (event) => void handed.push({ ids: [event.id], at: 'one' }),
            {
              streamPrefixes: [prefix],
              batchHandler: async (events) => {
                if (failBatches) throw new Error('not all at once');
                handed.push({ ids: idsOf(events), at: 'batch' });
              },
            },
          );
          subscriptions.push(subscription);
          return { handed, ids: () => handed.flatMap(({ ids }) => ids) };
        };

        it('hands every event once and in order, several at once where the store can', async () => {
          const prefix = uniquePrefix();
          const past = newEvents(4);
          await store.appendToStream(`${prefix}a`, past, { expectedVersion: 'no_stream' });
          const { handed, ids } = await subscribeBoth(prefix);
          await eventually(() => expect(ids()).toHaveLength(4));
          const live = newEvents(3);
          // Appended at once, while the subscriber may still be busy with the last ones.
          await Promise.all(
            live.map((event, index) =>
              store.appendToStream(`${prefix}${index}`, [event], { expectedVersion: 'no_stream' }),
            ),
          );

          await eventually(() => expect(ids()).toHaveLength(7));
          expect(new Set(ids())).toEqual(new Set(idsOf([...past, ...live])));
          expect(ids().slice(0, 4)).toEqual(idsOf(past));
          const batches = handed.filter(({ at }) => at === 'batch');
          if (underTest.handsBatches) expect(batches[0].ids).toEqual(idsOf(past));
          else expect(batches).toEqual([]);
        });

        it('hands the events of a failing batch to the handler one by one', async () => {
          const prefix = uniquePrefix();
          const events = newEvents(3);
          await store.appendToStream(`${prefix}a`, events, { expectedVersion: 'no_stream' });
          const { handed, ids } = await subscribeBoth(prefix, true);

          await eventually(() => expect(ids()).toEqual(idsOf(events)));
          expect(handed.every(({ at }) => at === 'one')).toBe(true);
        });
      });

      it('stops after the event in hand is handled and checkpointed', async () => {
        const prefix = uniquePrefix();
        const subscriberId = randomUUID();
        const events = newEvents(2);
        await store.appendToStream(`${prefix}a`, events, { expectedVersion: 'no_stream' });
        let finished = 0;
        const slow = await subscribe(store, subscriberId, prefix, async () => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          finished += 1;
        });
        await eventually(() => expect(slow.seen).toHaveLength(1));
        await slow.subscription.stop();
        expect(finished).toBe(1);
        expect(slow.seen).toHaveLength(1);

        const resumed = await subscribe(store, subscriberId, prefix);
        await eventually(() => expect(resumed.seen).toHaveLength(1));
        expect(idsOf(resumed.seen)).toEqual(idsOf(events.slice(1)));
      });
    });

    it('keeps events and checkpoints when the store is closed and opened again', async () => {
      const reopenable = await makeStore();
      try {
        if (!reopenable.reopen) {
          console.warn(`${name}: no reopen() given; durability across a restart is not tested`);
          return;
        }
        const prefix = uniquePrefix();
        const subscriberId = randomUUID();
        const before = newEvents(2);
        await reopenable.store.appendToStream(`${prefix}a`, before, {
          expectedVersion: 'no_stream',
        });
        const first = await record(reopenable.store, subscriberId, prefix);
        await eventually(() => expect(first.seen).toHaveLength(2));
        await first.subscription.stop();
        await reopenable.store.close();

        const reopened = await reopenable.reopen();
        try {
          expect(idsOf(await reopened.readStream(`${prefix}a`))).toEqual(idsOf(before));
          const after = newEvents(1);
          await reopened.appendToStream(`${prefix}a`, after, { expectedVersion: 1 });
          const second = await record(reopened, subscriberId, prefix);
          await eventually(() => expect(second.seen).toHaveLength(1));
          await second.subscription.stop();
          expect(idsOf(second.seen)).toEqual(idsOf(after));
        } finally {
          await reopened.close();
        }
      } finally {
        await reopenable.cleanup();
      }
    });
  });
}

import {
  CheckpointStore,
  CHECKPOINT_INTERVAL_MS,
  EventFeed,
  Subscriptions,
} from '../../src/adapters/checkpointed-subscription';
import { RecordedEvent } from '../../src/ports/event-store';

const eventAt = (position: number): RecordedEvent => ({
  id: `event-${position}`,
  streamId: 'expediente-1',
  type: 'Noted',
  data: {},
  metadata: {},
  streamVersion: position,
  position: BigInt(position),
  recordedAt: new Date('2030-01-01T09:00:00Z'),
});

/** The events 1..count, one per `everyMs`, then nothing until the subscription stops. */
const feedOf = (count: number, everyMs: number): EventFeed =>
  async function* (after, signal) {
    for (let position = Number(after ?? 0n) + 1; position <= count; position += 1) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      yield [eventAt(position)];
    }
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
  };

class CountedCheckpoints implements CheckpointStore {
  readonly saved: bigint[] = [];
  async load(): Promise<bigint | undefined> {
    return undefined;
  }
  async save(_subscriberId: string, position: bigint): Promise<void> {
    this.saved.push(position);
  }
}

describe('a subscription whose checkpoint trails (durable)', () => {
  it(`writes its checkpoint at most every ${CHECKPOINT_INTERVAL_MS} ms, and the last one when it stops`, async () => {
    const checkpoints = new CountedCheckpoints();
    const handled: bigint[] = [];
    const subscription = new Subscriptions(checkpoints, {}).start('projection', feedOf(40, 1), {
      handler: async (event) => void handled.push(event.position),
      durable: async () => undefined,
    });
    while (handled.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();

    expect(checkpoints.saved.at(-1)).toBe(40n);
    expect([...checkpoints.saved].sort((a, b) => Number(a - b))).toEqual(checkpoints.saved);
    // 40 events in a few tens of ms: a write per event before, a handful now.
    expect(checkpoints.saved.length).toBeLessThanOrEqual(8);
  });

  it('writes its checkpoint after each event without durable', async () => {
    const checkpoints = new CountedCheckpoints();
    const subscription = new Subscriptions(checkpoints, {}).start('relay', feedOf(5, 1), {
      handler: async () => undefined,
    });
    while (checkpoints.saved.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();

    expect(checkpoints.saved).toEqual([1n, 2n, 3n, 4n, 5n]);
  });
});

/** The events from..to as one batch the store has in hand, then nothing until stopped. */
const batchOf = (from: number, to: number): EventFeed =>
  async function* (after, signal) {
    const first = Math.max(from, Number(after ?? 0n) + 1);
    if (first <= to) {
      yield Array.from({ length: to - first + 1 }, (_, index) => eventAt(first + index));
    }
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
  };

describe('a subscription with a batch handler', () => {
  const quickRetry = { handlerRetry: { initialBackoffMs: 1, maxBackoffMs: 1 } };

  it('hands the events in hand over at once, and checkpoints the last of them', async () => {
    const checkpoints = new CountedCheckpoints();
    const batches: bigint[][] = [];
    const handled: bigint[] = [];
    const subscription = new Subscriptions(checkpoints, {}).start('projection', batchOf(1, 5), {
      handler: async (event) => void handled.push(event.position),
      batchHandler: async (events) => void batches.push(events.map((event) => event.position)),
    });
    while (checkpoints.saved.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();

    expect(batches).toEqual([[1n, 2n, 3n, 4n, 5n]]);
    expect(handled).toEqual([]);
    expect(checkpoints.saved).toEqual([5n]);
  });

  it('hands the events of a failing batch to the handler one by one, retrying the failing one', async () => {
    const checkpoints = new CountedCheckpoints();
    const errors: unknown[] = [];
    const handled: bigint[] = [];
    let failures = 0;
    const subscription = new Subscriptions(checkpoints, {
      ...quickRetry,
      onSubscriptionError: (error) => void errors.push(error),
    }).start('projection', batchOf(1, 3), {
      handler: async (event) => {
        if (event.position === 2n && failures++ === 0) throw new Error('not yet');
        handled.push(event.position);
      },
      batchHandler: async () => {
        throw new Error('not all at once');
      },
    });
    while (checkpoints.saved.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();

    expect(handled).toEqual([1n, 2n, 3n]);
    expect(checkpoints.saved).toEqual([1n, 2n, 3n]);
    expect(errors.map((error) => (error as Error).message)).toEqual(['not all at once', 'not yet']);
  });
});

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
      yield eventAt(position);
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
    const subscription = new Subscriptions(checkpoints, {}).start(
      'projection',
      async (event) => void handled.push(event.position),
      feedOf(40, 1),
      async () => undefined,
    );
    while (handled.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();

    expect(checkpoints.saved.at(-1)).toBe(40n);
    expect([...checkpoints.saved].sort((a, b) => Number(a - b))).toEqual(checkpoints.saved);
    // 40 events in a few tens of ms: a write per event before, a handful now.
    expect(checkpoints.saved.length).toBeLessThanOrEqual(8);
  });

  it('writes its checkpoint after each event without durable', async () => {
    const checkpoints = new CountedCheckpoints();
    const subscription = new Subscriptions(checkpoints, {}).start(
      'relay',
      async () => undefined,
      feedOf(5, 1),
    );
    while (checkpoints.saved.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();

    expect(checkpoints.saved).toEqual([1n, 2n, 3n, 4n, 5n]);
  });
});

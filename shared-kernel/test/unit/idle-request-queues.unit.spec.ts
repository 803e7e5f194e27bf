import { createRequire } from 'node:module';
import { quietIdleRequestQueues } from '../../src/adapters/kafka/idle-request-queues';

interface Queue {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue') as new (
  options: object,
) => Queue;

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const queue = (): Queue =>
  new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });

describe("kafkajs' request queue, quiet when idle", () => {
  beforeAll(() => quietIdleRequestQueues());

  it('arms no timer once its requests are answered and nothing waits', () => {
    const idle = queue();
    try {
      // What kafkajs runs after each answer: 2.2.4 re-armed a 1 ms timer here, forever.
      idle.checkPendingRequests();
      expect(idle.throttleCheckTimeoutId).toBeNull();
    } finally {
      idle.destroy();
    }
  });

  it('still checks again while a request waits, or while the broker throttles', () => {
    const waiting = queue();
    const throttled = queue();
    try {
      waiting.pending.push({});
      waiting.scheduleCheckPendingRequests();
      expect(waiting.throttleCheckTimeoutId).not.toBeNull();

      throttled.maybeThrottle(60_000);
      throttled.scheduleCheckPendingRequests();
      expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    } finally {
      waiting.destroy();
      throttled.destroy();
    }
  });
});

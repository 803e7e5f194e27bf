import { createRequire } from 'node:module';

/** The part of kafkajs' (internal) request queue of a connection that the fix below touches. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** Until then the queue's requests wait in `pending`: kafkajs' own interval. */
const PENDING_CHECK_MS = 10;

const FIXED_VERSION = '2.2.4';

let applied = false;

/**
 * kafkajs 2.2.4 re-arms a timer at the end of every check of a connection's waiting requests,
 * with a negative delay when the queue is neither waiting nor throttled: once a connection has
 * answered a request, it runs a check every millisecond for as long as it lives (tulios/kafkajs
 * issues 1556 and 1704, unfixed in any release). With a producer and a few consumers each,
 * every service spent 20 to 50 CPU-ms a second idle on it. This replaces that one method, in
 * that one version, by one that schedules a check only while requests wait or the broker
 * throttles. Any other version is left as it is.
 */
export function quietIdleRequestQueues(): void {
  if (applied) return;
  applied = true;
  const load = createRequire(__filename);
  if ((load('kafkajs/package.json') as { version: string }).version !== FIXED_VERSION) return;
  const queue = (load('kafkajs/src/network/requestQueue') as { prototype: RequestQueue }).prototype;
  queue.scheduleCheckPendingRequests = function (this: RequestQueue): void {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    const waiting = this.pending.length > 0;
    // Neither waiting nor throttled: the next push or answer checks the queue anyway.
    if (!waiting && untilUnthrottled <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : PENDING_CHECK_MS,
    );
  };
}

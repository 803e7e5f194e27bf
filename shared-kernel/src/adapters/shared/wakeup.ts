/**
 * Wakes a waiting loop early (a publish, a nudge). A ring while nobody waits is kept for the
 * next wait, so a loop that checks for work and then waits never misses one.
 */
export class Wakeup {
  private rung = false;
  private readonly waiters = new Set<() => void>();

  ring(): void {
    this.rung = true;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves on a ring, after `timeoutMs`, or as soon as `signal` aborts; never rejects. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.rung || signal?.aborted) {
      this.rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        this.rung = false;
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      signal?.addEventListener('abort', wake, { once: true });
      this.waiters.add(wake);
    });
  }
}

/** A pause that ends early when `signal` aborts. */
export const pause = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Wakeup().wait(ms, signal);

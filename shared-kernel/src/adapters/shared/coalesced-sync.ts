import { fsync } from 'node:fs';

/** An fsync of `fd` in the thread pool, not on the event loop. */
export const fsyncInPool = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));

/**
 * Runs a sync (an fsync in the thread pool) so that one run serves every caller that asked
 * before it began: a caller asking while one runs waits for the next, which all those callers
 * share. Under concurrent writers that is one sync per run instead of one per caller.
 */
export class CoalescedSync {
  private running?: Promise<void>;
  private next?: Promise<void>;

  constructor(private readonly run: () => Promise<void>) {}

  /** Resolves once a run begun after this call has ended; rejects with that run's error. */
  sync(): Promise<void> {
    if (!this.running) return this.start();
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  /** Once no run is under way or waiting. */
  async settled(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)?.catch(() => undefined);
  }

  private start(): Promise<void> {
    const run = this.run().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}

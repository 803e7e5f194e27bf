/**
 * Background work that runs one at a time and catches up: asked for while it runs, it runs
 * again once done, as long as `more()` says something is left and the last run did not give
 * up (resolved false). What trails the disk (outbox marks, checkpoints) is written this way.
 */
export class Rerun {
  private running?: Promise<void>;

  constructor(
    private readonly work: () => Promise<boolean>,
    private readonly more: () => boolean,
  ) {}

  request(): void {
    this.running ??= this.work().then((done) => {
      this.running = undefined;
      if (done && this.more()) this.request();
    });
  }

  /** Resolves once no run is under way, the catching up included. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, type Logger } from '@expedientes/shared-kernel';

/** Runs `tarea` at start and then every `intervaloMs`, one run at a time, until stopped. */
export class TareaPeriodica {
  private running?: { readonly stopping: AbortController; readonly loop: Promise<void> };

  constructor(
    private readonly nombre: string,
    private readonly intervaloMs: number,
    private readonly tarea: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    const stopping = new AbortController();
    this.running = { stopping, loop: this.run(stopping.signal) };
  }

  /** Lets the run in hand finish. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    running?.stopping.abort();
    await running?.loop;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tarea();
      } catch (error) {
        this.logger.warn(
          { task: this.nombre, error: describeError(error) },
          'periodic task failed',
        );
      }
      await sleep(this.intervaloMs, undefined, { signal }).catch(() => undefined);
    }
  }
}

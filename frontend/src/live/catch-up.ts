import { backoff, Sleep, sleep } from '../api/sagas';
import { EventoDeExpediente } from '../api/types';

/** The event's data, when it is an expediente event as the contract describes it. */
export function parseEvento(data: string): EventoDeExpediente | null {
  try {
    const value = JSON.parse(data) as Partial<EventoDeExpediente> | null;
    if (
      typeof value?.expedienteId === 'string' &&
      typeof value.version === 'number' &&
      Number.isFinite(value.version)
    ) {
      return {
        expedienteId: value.expedienteId,
        version: value.version,
        tipo: String(value.tipo ?? ''),
      };
    }
  } catch {
    // Not JSON: not an event this UI knows.
  }
  return null;
}

export interface CatchUpOptions {
  readonly sleep?: Sleep;
  /** Loads after which the version shown is taken as it is (the event may not be readable yet). */
  readonly maxLoads?: number;
}

/**
 * Keeps a view up with the events: the read models lag a little behind them, so after an event
 * for version N the view loads again, with a short backoff, until what it shows is at least N.
 * Events that arrive meanwhile only raise the version waited for.
 */
export class CatchUp {
  private wanted = -Infinity;
  private running: Promise<void> | null = null;

  constructor(
    /** Loads the view again and answers the version it now shows. */
    private readonly load: () => Promise<number>,
    private readonly options: CatchUpOptions = {},
  ) {}

  /** The version the view waits for (-Infinity when none). */
  get target(): number {
    return this.wanted;
  }

  /** An event says version `version` exists. */
  want(version: number): Promise<void> {
    this.wanted = Math.max(this.wanted, version);
    // Started on the next tick, so an event that comes during a load joins this run.
    this.running ??= Promise.resolve()
      .then(() => this.run())
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async run(): Promise<void> {
    const wait = this.options.sleep ?? sleep;
    const maxLoads = this.options.maxLoads ?? 8;
    for (let attempt = 0; attempt < maxLoads; attempt++) {
      let shown: number;
      try {
        shown = await this.load();
      } catch {
        return; // the view shows its own error; the next event tries again
      }
      if (shown >= this.wanted) return;
      await wait(backoff(attempt));
    }
  }
}

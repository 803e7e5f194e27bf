import { EventStore, Logger } from '@expedientes/shared-kernel';
import { EXPEDIENTE_STREAM_PREFIX, fromRecorded } from '../expediente-stream';
import { ExpedienteProjector } from '../projections/expediente-projector';
import { ExpedienteReadModels } from '../projections/read-models';
import { HeldViews } from './held-views';

/** How often a rebuild under way says how far it has come. */
const PROGRESS_EVERY_MS = 10_000;

export interface RebuildReport {
  /** Events replayed. */
  readonly eventos: number;
}

/**
 * Empties the read models and replays every event of every expediente into them. The live
 * projection must be paused meanwhile; when it resumes, what it sees again changes nothing.
 */
export class RebuildReadModels {
  constructor(
    private readonly eventStore: Pick<EventStore, 'readAll'>,
    private readonly readModels: ExpedienteReadModels,
    private readonly logger: Logger,
    private readonly options: {
      /** Expedientes whose views are held in memory until the replay ends (see HeldViews). */
      readonly heldAtMost: number;
      /** Events read from the store at a time. */
      readonly batchSize?: number;
    },
  ) {}

  private get batchSize(): number {
    return this.options.batchSize ?? 2000;
  }

  async execute(): Promise<RebuildReport> {
    const startedAt = performance.now();
    this.logger.info('rebuilding the read models from every event');
    await this.readModels.clear();
    const held = new HeldViews(this.readModels, this.options.heldAtMost);
    let saidAt = startedAt;
    const replayed = await this.replay(new ExpedienteProjector(held), undefined, (eventos) => {
      if (performance.now() - saidAt < PROGRESS_EVERY_MS) return;
      saidAt = performance.now();
      this.logger.info({ eventos, held: held.size }, 'read-model rebuild under way');
    });
    await held.flush();
    // Another replica's live projection finds no views to advance while they are held: what
    // it was given after the replay's last read is folded again, now that they are stored.
    const caughtUp = await this.replay(new ExpedienteProjector(this.readModels), replayed.after);
    // The live projection's checkpoint is past all of it: it must not be lost now.
    await this.readModels.durable();
    const eventos = replayed.eventos + caughtUp.eventos;
    const seconds = Math.round(performance.now() - startedAt) / 1000;
    this.logger.info({ eventos, seconds }, 'read models rebuilt from every event');
    return { eventos };
  }

  /**
   * Projects every event after `after` to the last, telling `progress` the count after each
   * batch; answers how many, and where they ended.
   */
  private async replay(
    projector: ExpedienteProjector,
    after?: bigint,
    progress: (eventos: number) => void = () => undefined,
  ): Promise<{ eventos: number; after?: bigint }> {
    let eventos = 0;
    for (;;) {
      const batch = await this.eventStore.readAll({
        after,
        limit: this.batchSize,
        streamPrefixes: [EXPEDIENTE_STREAM_PREFIX],
      });
      await projector.projectAll(batch.map(fromRecorded));
      eventos += batch.length;
      progress(eventos);
      if (batch.length > 0) after = batch[batch.length - 1].position;
      if (batch.length < this.batchSize) return { eventos, after };
    }
  }
}

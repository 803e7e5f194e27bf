import { EventStore } from '@expedientes/shared-kernel';
import { EXPEDIENTE_STREAM_PREFIX, fromRecorded } from '../expediente-stream';
import { ExpedienteProjector } from '../projections/expediente-projector';
import { ExpedienteReadModels } from '../projections/read-models';
import { HeldViews } from './held-views';

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
    await this.readModels.clear();
    const held = new HeldViews(this.readModels, this.options.heldAtMost);
    const replayed = await this.replay(new ExpedienteProjector(held));
    await held.flush();
    // Another replica's live projection finds no views to advance while they are held: what
    // it was given after the replay's last read is folded again, now that they are stored.
    const caughtUp = await this.replay(new ExpedienteProjector(this.readModels), replayed.after);
    // The live projection's checkpoint is past all of it: it must not be lost now.
    await this.readModels.durable();
    return { eventos: replayed.eventos + caughtUp.eventos };
  }

  /** Projects every event after `after` to the last; answers how many, and where they ended. */
  private async replay(
    projector: ExpedienteProjector,
    after?: bigint,
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
      if (batch.length > 0) after = batch[batch.length - 1].position;
      if (batch.length < this.batchSize) return { eventos, after };
    }
  }
}

import { EventStore } from '@expedientes/shared-kernel';
import { EXPEDIENTE_STREAM_PREFIX, fromRecorded } from '../expediente-stream';
import { ExpedienteProjector } from '../projections/expediente-projector';
import { ExpedienteReadModels } from '../projections/read-models';

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
    private readonly projector: ExpedienteProjector,
    private readonly batchSize = 2000,
  ) {}

  async execute(): Promise<RebuildReport> {
    await this.readModels.clear();
    let after: bigint | undefined;
    let eventos = 0;
    const rebuilt = new Set<string>();
    for (;;) {
      const batch = await this.eventStore.readAll({
        after,
        limit: this.batchSize,
        streamPrefixes: [EXPEDIENTE_STREAM_PREFIX],
      });
      await this.projector.projectAll(batch.map(fromRecorded), rebuilt);
      eventos += batch.length;
      if (batch.length < this.batchSize) {
        // The live projection's checkpoint is past all of it: it must not be lost now.
        await this.readModels.durable();
        return { eventos };
      }
      after = batch[batch.length - 1].position;
    }
  }
}

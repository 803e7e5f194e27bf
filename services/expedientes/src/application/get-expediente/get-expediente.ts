import { EventStore } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { fromRecorded, streamOf } from '../expediente-stream';
import { evolveDetail, ExpedienteDetail } from '../projections/expediente-detail';
import { ExpedienteReadModels } from '../projections/read-models';

/**
 * The detail of an expediente: as it is now (its read model), or as it stood at an instant,
 * rebuilt from the events that had happened by then.
 */
export class GetExpediente {
  constructor(
    private readonly readModels: ExpedienteReadModels,
    private readonly eventStore: Pick<EventStore, 'readStream'>,
  ) {}

  async execute(expedienteId: string, asOf?: Date): Promise<ExpedienteDetail> {
    const detail = asOf
      ? await this.asOf(expedienteId, asOf)
      : await this.readModels.detail(expedienteId);
    if (!detail) throw new ExpedienteNoEncontradoError(expedienteId);
    return detail;
  }

  private async asOf(expedienteId: string, instant: Date): Promise<ExpedienteDetail | null> {
    const recorded = (await this.eventStore.readStream(streamOf(expedienteId))).map(fromRecorded);
    return recorded
      .filter(({ event }) => Date.parse(event.occurredAt) <= instant.getTime())
      .reduce<ExpedienteDetail | null>(evolveDetail, null);
  }
}

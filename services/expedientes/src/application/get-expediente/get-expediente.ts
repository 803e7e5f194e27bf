import { EventStore } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { fromRecorded, streamOf } from '../expediente-stream';
import { evolveDetail, ExpedienteDetail } from '../projections/expediente-detail';
import { ExpedienteReadModels } from '../projections/read-models';

export interface DetailWanted {
  /** As it stood at this instant, rebuilt from the events that had happened by then. */
  readonly asOf?: Date;
  /** At least this version: the one a command of the caller answered with. */
  readonly minVersion?: number;
}

/**
 * The detail of an expediente: as it is now, or as it stood at an instant.
 *
 * Now is its read model, which follows the events a moment later; an expediente not there yet,
 * or older there than the version the caller names, is read from its own events instead, so
 * that a caller never sees less than its own commands did (read your writes).
 */
export class GetExpediente {
  constructor(
    private readonly readModels: ExpedienteReadModels,
    private readonly eventStore: Pick<EventStore, 'readStream'>,
  ) {}

  async execute(expedienteId: string, wanted: DetailWanted = {}): Promise<ExpedienteDetail> {
    const detail = wanted.asOf
      ? await this.fromEvents(expedienteId, wanted.asOf)
      : await this.current(expedienteId, wanted.minVersion ?? 0);
    if (!detail) throw new ExpedienteNoEncontradoError(expedienteId);
    return detail;
  }

  private async current(expedienteId: string, minVersion: number) {
    const projected = await this.readModels.detail(expedienteId);
    if (projected && projected.version >= minVersion) return projected;
    return this.fromEvents(expedienteId);
  }

  private async fromEvents(expedienteId: string, until?: Date): Promise<ExpedienteDetail | null> {
    const recorded = (await this.eventStore.readStream(streamOf(expedienteId))).map(fromRecorded);
    return recorded
      .filter(({ event }) => !until || Date.parse(event.occurredAt) <= until.getTime())
      .reduce<ExpedienteDetail | null>(evolveDetail, null);
  }
}

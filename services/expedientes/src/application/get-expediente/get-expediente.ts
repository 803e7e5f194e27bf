import { EventStore } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { fromRecorded, streamOf } from '../expediente-stream';
import {
  evolveDetail,
  ExpedienteDetail,
  withCurrentFields,
} from '../projections/expediente-detail';
import { ExpedienteReadModels } from '../projections/read-models';

export interface DetailWanted {
  /** As it stood at this instant, rebuilt from the events that had happened by then. */
  readonly asOf?: Date;
}

/**
 * The detail of an expediente: as it is now, or as it stood at an instant.
 *
 * Now is its read model brought up to the stream's head: the read model follows the events a
 * moment later, so the events it has not projected yet (one indexed read, usually empty) are
 * folded onto it, and an expediente not there yet is read from its own events. A caller never
 * sees less than its own commands did (read your writes), whoever projects and when.
 */
export class GetExpediente {
  constructor(
    private readonly readModels: ExpedienteReadModels,
    private readonly eventStore: Pick<EventStore, 'readStream'>,
  ) {}

  async execute(expedienteId: string, wanted: DetailWanted = {}): Promise<ExpedienteDetail> {
    const detail = wanted.asOf
      ? await this.fromEvents(expedienteId, wanted.asOf)
      : await this.current(expedienteId);
    if (!detail) throw new ExpedienteNoEncontradoError(expedienteId);
    return detail;
  }

  private async current(expedienteId: string): Promise<ExpedienteDetail | null> {
    const projected = await this.readModels.detail(expedienteId);
    if (!projected) return this.fromEvents(expedienteId);
    const unprojected = await this.eventStore.readStream(streamOf(expedienteId), {
      fromVersion: projected.version + 1,
    });
    return unprojected
      .map(fromRecorded)
      .reduce<ExpedienteDetail | null>(evolveDetail, withCurrentFields(projected));
  }

  private async fromEvents(expedienteId: string, until?: Date): Promise<ExpedienteDetail | null> {
    const recorded = (await this.eventStore.readStream(streamOf(expedienteId))).map(fromRecorded);
    return recorded
      .filter(({ event }) => !until || Date.parse(event.occurredAt) <= until.getTime())
      .reduce<ExpedienteDetail | null>(evolveDetail, null);
  }
}

import { EventStore, IdGenerator, WrongExpectedVersionError } from '@expedientes/shared-kernel';
import { fromRecorded, streamOf, toEventsToAppend } from '../../application/expediente-stream';
import { VersionObsoletaError } from '../../domain/errors';
import { Expediente } from '../../domain/expediente';
import { Causa, ExpedienteRepository } from '../../domain/expediente-repository';

/** Expedientes as streams of the service's event store (EventStoreDB, MySQL or SQLite). */
export class EventStoreExpedienteRepository implements ExpedienteRepository {
  constructor(
    private readonly store: EventStore,
    private readonly newId: IdGenerator,
  ) {}

  async findById(expedienteId: string): Promise<Expediente | null> {
    const recorded = await this.store.readStream(streamOf(expedienteId));
    return Expediente.desdeHistorial(recorded.map((each) => fromRecorded(each).event));
  }

  async save(expediente: Expediente, causa: Causa): Promise<void> {
    const expectedVersion = expediente.version;
    const events = expediente.pullDomainEvents();
    if (events.length === 0) return;
    try {
      await this.store.appendToStream(
        streamOf(expediente.id),
        toEventsToAppend(events, causa, this.newId),
        { expectedVersion },
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const { actual } = error.details;
      throw new VersionObsoletaError(
        expediente.id,
        expectedVersion,
        typeof actual === 'number' ? actual : null,
      );
    }
  }
}

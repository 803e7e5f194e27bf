import {
  Clock,
  EventStore,
  IdGenerator,
  RecordedEvent,
  WrongExpectedVersionError,
} from '@expedientes/shared-kernel';
import { CodigoDeExpediente } from '../../domain/codigo-de-expediente';
import { CodigoDuplicadoError } from '../../domain/errors';
import { RegistroDeCodigos } from '../../domain/registro-de-codigos';

/** Streams of the code registry; projections and publishers only follow `expediente-` ones. */
export const CODIGO_STREAM_PREFIX = 'codigo-';
const RESERVADO = 'expedientes.codigo.reservado.v1';
const LIBERADO = 'expedientes.codigo.liberado.v1';

const streamOf = (codigo: CodigoDeExpediente): string => `${CODIGO_STREAM_PREFIX}${codigo.valor}`;

const holderOf = (last: RecordedEvent | undefined): string | null =>
  last?.type === RESERVADO ? String(last.data.expedienteId) : null;

/**
 * Codes held in the event store itself: one stream per code, whose last event says who holds
 * it. Appending at the version read makes two requests for a free code race on the store's
 * optimistic concurrency, which lets exactly one of them win, across processes.
 */
export class EventStoreRegistroDeCodigos implements RegistroDeCodigos {
  constructor(
    private readonly store: EventStore,
    private readonly newId: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async reservar(codigo: CodigoDeExpediente, expedienteId: string): Promise<void> {
    const last = await this.lastOf(codigo);
    const holder = holderOf(last);
    if (holder === expedienteId) return;
    if (holder !== null) throw new CodigoDuplicadoError(codigo.valor);
    try {
      await this.append(codigo, RESERVADO, expedienteId, last);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      // Someone took it in between; unless it was this very reservation, retried.
      if (holderOf(await this.lastOf(codigo)) !== expedienteId) {
        throw new CodigoDuplicadoError(codigo.valor);
      }
    }
  }

  async liberar(codigo: CodigoDeExpediente, expedienteId: string): Promise<void> {
    const last = await this.lastOf(codigo);
    if (holderOf(last) !== expedienteId) return;
    try {
      await this.append(codigo, LIBERADO, expedienteId, last);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      await this.liberar(codigo, expedienteId); // it moved on meanwhile: look again
    }
  }

  private async lastOf(codigo: CodigoDeExpediente): Promise<RecordedEvent | undefined> {
    return (await this.store.readStream(streamOf(codigo))).at(-1);
  }

  private async append(
    codigo: CodigoDeExpediente,
    type: string,
    expedienteId: string,
    last: RecordedEvent | undefined,
  ): Promise<void> {
    await this.store.appendToStream(
      streamOf(codigo),
      [
        {
          id: this.newId(),
          type,
          data: { codigo: codigo.valor, expedienteId },
          metadata: { occurredAt: this.clock().toISOString() },
        },
      ],
      { expectedVersion: last ? last.streamVersion : 'no_stream' },
    );
  }
}

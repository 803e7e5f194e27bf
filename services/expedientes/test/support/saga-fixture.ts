import { EventStoreExpedienteRepository } from '../../src/infrastructure/persistence/event-store-expediente-repository';
import { EventStoreRegistroDeCodigos } from '../../src/infrastructure/persistence/event-store-registro-de-codigos';
import { SagaDependencies } from '../../src/application/sagas/saga-dependencies';
import { InMemoryEventStore } from './in-memory-event-store';

export const STEP_TIMEOUT_MS = 30_000;
export const NOW = new Date('2030-01-01T09:00:00.000Z');

/** What the sagas' local steps work on, in memory. */
export function sagaFixture() {
  let lastId = 0;
  const newId = () => `event-${++lastId}`;
  let now = NOW;
  const clock = () => new Date(now.getTime());
  /** Moves the fixture's clock to `iso`. */
  const setNow = (iso: string): void => {
    now = new Date(iso);
  };
  const eventStore = new InMemoryEventStore(clock);
  const expedientes = new EventStoreExpedienteRepository(eventStore, newId);
  const codigos = new EventStoreRegistroDeCodigos(eventStore, newId, clock);
  const deps: SagaDependencies = { expedientes, codigos, clock, stepTimeoutMs: STEP_TIMEOUT_MS };
  /** The expediente holding `codigo`, if any. */
  const holderOf = async (codigo: string): Promise<string | null> => {
    const last = (await eventStore.readStream(`codigo-${codigo}`)).at(-1);
    return last?.type === 'expedientes.codigo.reservado.v1' ? String(last.data.expedienteId) : null;
  };
  return { eventStore, expedientes, codigos, deps, holderOf, clock, setNow, newId };
}

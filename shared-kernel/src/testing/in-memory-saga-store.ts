import {
  assertNextVersion,
  hasDeadlineBefore,
  SagaAlreadyExistsError,
  SagaConcurrencyError,
  SagaStore,
} from '../ports/saga-store';
import { isActiveSaga, SagaState } from '../saga/state';

/** Through JSON, as every real store does: what does not survive that is caught here too. */
const copy = (state: SagaState): SagaState => JSON.parse(JSON.stringify(state)) as SagaState;

/** A SagaStore in a Map, for unit tests and saga scripts. */
export class InMemorySagaStore implements SagaStore {
  private readonly sagas = new Map<string, SagaState>();

  async create(state: SagaState): Promise<void> {
    assertNextVersion(state, -1);
    if (this.sagas.has(state.sagaId)) throw new SagaAlreadyExistsError(state.sagaId);
    this.sagas.set(state.sagaId, copy(state));
  }

  async load(sagaId: string): Promise<SagaState | null> {
    const state = this.sagas.get(sagaId);
    return state ? copy(state) : null;
  }

  async save(state: SagaState, expectedVersion: number): Promise<void> {
    assertNextVersion(state, expectedVersion);
    if (this.sagas.get(state.sagaId)?.version !== expectedVersion) {
      throw new SagaConcurrencyError(state.sagaId, expectedVersion);
    }
    this.sagas.set(state.sagaId, copy(state));
  }

  async findActive(): Promise<SagaState[]> {
    return [...this.sagas.values()].filter(isActiveSaga).map(copy);
  }

  async findWithDeadlineBefore(time: Date): Promise<SagaState[]> {
    return [...this.sagas.values()].filter((state) => hasDeadlineBefore(state, time)).map(copy);
  }
}

import { DomainError } from '../domain/domain-error';
import { isActiveSaga, SagaState } from '../saga/state';

/**
 * Where the orchestrator keeps its sagas. Every transition is a `save` against the version it
 * was read at, so two processes (or a reply racing a timeout) never both move one saga on.
 */
export interface SagaStore {
  /** Stores a new saga at version 0; SagaAlreadyExistsError when its id is taken. */
  create(state: SagaState): Promise<void>;
  load(sagaId: string): Promise<SagaState | null>;
  /**
   * Replaces the saga stored at `expectedVersion` with `state`, whose version is
   * `expectedVersion + 1`; SagaConcurrencyError when it is at another version or missing.
   */
  save(state: SagaState, expectedVersion: number): Promise<void>;
  /**
   * Runs `work`, which saves sagas and runs their local actions, so that what it stores here
   * and in the database the actions' stores share with this one commits as one: fewer commits
   * for the same guarantees. Stores that cannot (or keep sagas apart) leave it out.
   */
  atomically?<T>(work: () => Promise<T>): Promise<T>;
  /** Running and compensating sagas, to resume at start-up. */
  findActive(): Promise<SagaState[]>;
  /** Active sagas whose pending command's deadline is strictly before `time`. */
  findWithDeadlineBefore(time: Date): Promise<SagaState[]>;
}

export class SagaAlreadyExistsError extends DomainError {
  constructor(sagaId: string) {
    super('SAGA.ALREADY_EXISTS', 'conflict', `saga ${sagaId} exists already`, { sagaId });
  }
}

export class SagaConcurrencyError extends DomainError {
  constructor(sagaId: string, expectedVersion: number) {
    super(
      'SAGA.CONCURRENT_UPDATE',
      'conflict',
      `saga ${sagaId} is no longer at version ${expectedVersion}: another transition saved first`,
      { sagaId, expectedVersion },
    );
  }
}

/**
 * For store adapters: a state is saved with the version right after the expected one
 * (`create` expects -1, so a new saga is at version 0).
 */
export function assertNextVersion(state: SagaState, expectedVersion: number): void {
  if (state.version !== expectedVersion + 1) {
    throw new Error(
      `saga ${state.sagaId}: saving version ${state.version} over ${expectedVersion}, expected ${expectedVersion + 1}`,
    );
  }
}

/** What `findWithDeadlineBefore` selects, for stores that filter on their side. */
export const hasDeadlineBefore = (state: SagaState, time: Date): boolean =>
  isActiveSaga(state) &&
  state.pending !== null &&
  Date.parse(state.pending.deadline) < time.getTime();

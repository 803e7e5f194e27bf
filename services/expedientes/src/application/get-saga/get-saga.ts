import { DomainError, SagaStatus, SagaStore } from '@expedientes/shared-kernel';
import { failureOf, SagaFailure } from '../sagas/saga-failures';

/** Where a command's saga stands, for a client answered 202 to follow it. */
export interface SagaView {
  readonly sagaId: string;
  readonly tipo: string;
  readonly estado: SagaStatus;
  readonly expedienteId: string;
  /** Why it did not complete, once compensating or ended so. */
  readonly fallo: SagaFailure | null;
  readonly creadaAt: string;
  readonly actualizadaAt: string;
}

export class SagaNoEncontradaError extends DomainError {
  constructor(sagaId: string) {
    super('SAGA.NO_ENCONTRADA', 'not_found', `No existe la operación ${sagaId}`, { sagaId });
  }
}

export class GetSaga {
  constructor(private readonly store: Pick<SagaStore, 'load'>) {}

  async execute(sagaId: string): Promise<SagaView> {
    const saga = await this.store.load(sagaId);
    if (!saga) throw new SagaNoEncontradaError(sagaId);
    return {
      sagaId: saga.sagaId,
      tipo: saga.type,
      estado: saga.status,
      expedienteId: saga.origin.key,
      fallo: saga.failureReason === null ? null : failureOf(saga.failureReason),
      creadaAt: saga.createdAt,
      actualizadaAt: saga.updatedAt,
    };
  }
}

import { DomainError } from '@expedientes/shared-kernel';
import { SagaFailure } from '../sagas/saga-failures';

/**
 * The expediente could not be set up: a participant refused (its code and reason are passed on)
 * or did not answer in time. Its code is free again.
 */
export class CreacionRechazadaError extends DomainError {
  constructor(failure: SagaFailure, details: { expedienteId: string; sagaId: string }) {
    super(
      failure.code ?? 'EXPEDIENTE.CREACION_RECHAZADA',
      'rule',
      `No se pudo crear el expediente: ${failure.message}`,
      details,
    );
  }
}

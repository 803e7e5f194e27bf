import { DomainError } from '@expedientes/shared-kernel';
import { SagaFailure } from '../sagas/saga-failures';

/** The procedure refused the change of phase (bpm's code and reason are passed on), or timed out. */
export class CambioDeFaseRechazadoError extends DomainError {
  constructor(
    failure: SagaFailure,
    details: { expedienteId: string; hacia: string; sagaId: string },
  ) {
    super(failure.code ?? 'EXPEDIENTE.CAMBIO_DE_FASE_RECHAZADO', 'rule', failure.message, details);
  }
}

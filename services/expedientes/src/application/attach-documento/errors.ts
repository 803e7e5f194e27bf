import { DomainError } from '@expedientes/shared-kernel';
import { SagaFailure } from '../sagas/saga-failures';

/** documents refused the document (its code and reason are passed on), or did not answer. */
export class DocumentoRechazadoError extends DomainError {
  constructor(
    failure: SagaFailure,
    details: { expedienteId: string; documentId: string; sagaId: string },
  ) {
    super(
      failure.code ?? 'EXPEDIENTE.DOCUMENTO_RECHAZADO',
      'rule',
      `No se pudo añadir el documento: ${failure.message}`,
      details,
    );
  }
}

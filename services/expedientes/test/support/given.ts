import { Expediente } from '../../src/domain/expediente';
import { ExpedienteRepository } from '../../src/domain/expediente-repository';
import { ActorMother } from './mothers';

/** Stores `expediente` (with its unsaved events) as a user's request would have. */
export async function given(
  expedientes: ExpedienteRepository,
  expediente: Expediente,
): Promise<Expediente> {
  await expedientes.save(expediente, {
    actor: ActorMother.tramitadora(),
    correlationId: 'given',
    causationId: null,
  });
  return expediente;
}

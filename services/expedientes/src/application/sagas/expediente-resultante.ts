import { Fase } from '@expedientes/shared-kernel';
import { EstadoDeExpediente, Expediente } from '../../domain/expediente';
import { ExpedienteRepository } from '../../domain/expediente-repository';

/**
 * What a saga's last local step left the expediente as, kept in the saga's data: the answer
 * to the request that started the saga is made from it, without reading the expediente's
 * stream again. Absent from sagas that began before it was kept.
 */
export interface ExpedienteResultante {
  readonly estado: EstadoDeExpediente;
  readonly fase: Fase | null;
  readonly version: number;
}

export const resultanteDe = (expediente: Expediente): ExpedienteResultante => ({
  estado: expediente.estadoActual,
  fase: expediente.faseActual,
  version: expediente.version,
});

/** The expediente as stored now: for a saga that began before its result was kept. */
export async function resultanteGuardado(
  expedientes: ExpedienteRepository,
  expedienteId: string,
): Promise<ExpedienteResultante | null> {
  const expediente = await expedientes.findById(expedienteId);
  return expediente && resultanteDe(expediente);
}

import { Expediente } from './expediente';

/** Who made a change and in answer to what: kept with every event the change records. */
export interface Causa {
  readonly actor: { readonly userId: string; readonly roles: readonly string[] };
  readonly correlationId: string;
  /** The message (request, reply) the change answers. */
  readonly causationId: string | null;
}

/** Where expedientes are kept: as their streams of events. */
export interface ExpedienteRepository {
  findById(expedienteId: string): Promise<Expediente | null>;
  /**
   * Appends the expediente's new events at the version it was read at; VersionObsoletaError
   * when someone saved it meanwhile.
   */
  save(expediente: Expediente, causa: Causa): Promise<void>;
}

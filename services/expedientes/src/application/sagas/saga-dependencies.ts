import { Clock } from '@expedientes/shared-kernel';
import { ExpedienteRepository } from '../../domain/expediente-repository';
import { RegistroDeCodigos } from '../../domain/registro-de-codigos';

/** What the sagas' local steps work with, and how long each remote step may take. */
export interface SagaDependencies {
  readonly expedientes: ExpedienteRepository;
  readonly codigos: RegistroDeCodigos;
  readonly clock: Clock;
  /** Deadline of every command a saga sends (SAGA_STEP_TIMEOUT_MS). */
  readonly stepTimeoutMs: number;
}

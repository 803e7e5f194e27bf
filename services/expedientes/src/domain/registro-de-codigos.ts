import { CodigoDeExpediente } from './codigo-de-expediente';

/**
 * The codes in use, system-wide. A code is held by one expediente at a time; the one whose
 * creation was rejected gives it back.
 */
export interface RegistroDeCodigos {
  /**
   * Holds `codigo` for `expedienteId`; again for the same expediente changes nothing.
   * CodigoDuplicadoError when another expediente holds it, even when both ask at once.
   */
  reservar(codigo: CodigoDeExpediente, expedienteId: string): Promise<void>;
  /** Frees `codigo` if `expedienteId` holds it; otherwise changes nothing. */
  liberar(codigo: CodigoDeExpediente, expedienteId: string): Promise<void>;
}

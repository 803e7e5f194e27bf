import { Proceso } from './proceso';

/** Where the processes are kept, one per expediente. */
export interface ProcesoRepository {
  findByExpediente(expedienteId: string): Promise<Proceso | null>;
  /**
   * Stores a new process, or the changes of one read from here; ProcesoModificadoError when it
   * was saved by someone else since it was read.
   */
  save(proceso: Proceso): Promise<void>;
}

import { Expediente, Historial } from '../model/expedientes';
import { CallContext } from '../ports/caller';
import { ExpedientesApi } from '../ports/expedientes-api';
import { UsersApi } from '../ports/users-api';

/** Everything an expediente's record says, and the names of the people in it. */
export interface Registro {
  readonly expediente: Expediente;
  readonly historial: Historial;
  /** Name by username; a username not in it is shown as it is. */
  readonly nombres: ReadonlyMap<string, string>;
  readonly emitidoAt: Date;
}

/**
 * Gathers an expediente's record: its detail (data, phase history, documents with every
 * version and hash, comments), its audit trail, and who is who where the platform knows it.
 */
export class RegistroDeExpediente {
  constructor(
    private readonly expedientes: ExpedientesApi,
    private readonly users: UsersApi | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(expedienteId: string, call: CallContext): Promise<Registro> {
    const [expediente, historial, personas] = await Promise.all([
      this.expedientes.get(expedienteId, {}, call),
      this.expedientes.history(expedienteId, call),
      // Names are a courtesy: without the directory, usernames say who just as well.
      this.users?.people(call).catch(() => undefined),
    ]);
    const nombres = new Map(
      (personas?.personas ?? []).map(({ username, nombre }) => [username, nombre] as const),
    );
    return { expediente, historial, nombres, emitidoAt: this.now() };
  }
}

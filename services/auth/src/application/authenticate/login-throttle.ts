import { Clock } from '@expedientes/shared-kernel';
import { DemasiadosIntentosError } from '../../domain/errors';
import {
  acertar,
  bloqueado,
  intentar,
  Intentos,
  LimiteDeIntentos,
  minutosHasta,
  RegistroDeIntentos,
} from '../../domain/intentos-de-acceso';

export interface LoginLimits {
  readonly porUsuario: LimiteDeIntentos;
  /** Higher: the people behind one office's address share it. */
  readonly porDireccion: LimiteDeIntentos;
}

/** Who an attempt counts against: the username asked for (when it is one), and the client. */
export interface Intentantes {
  readonly username?: string;
  readonly direccion?: string;
}

const USUARIO = 'usuario:';
const DIRECCION = 'direccion:';

const clavesDe = ({ username, direccion }: Intentantes): string[] => [
  ...(username === undefined ? [] : [`${USUARIO}${username}`]),
  ...(direccion === undefined ? [] : [`${DIRECCION}${direccion}`]),
];

/**
 * Counts the sign-in attempts of a username and of a client address, and refuses them with
 * DemasiadosIntentosError while either is locked.
 */
export class LoginThrottle {
  constructor(
    private readonly registro: RegistroDeIntentos,
    private readonly limites: LoginLimits,
    private readonly clock: Clock,
  ) {}

  /** Counts an attempt about to be checked, or refuses it. */
  async intentar(quien: Intentantes): Promise<void> {
    const ahora = this.clock().getTime();
    const limiteDe = (clave: string) =>
      clave.startsWith(USUARIO) ? this.limites.porUsuario : this.limites.porDireccion;
    const guardados = await this.registro.cambiar(clavesDe(quien), (actuales) => {
      const intentados = new Map(
        [...actuales].map(([clave, intentos]) => [
          clave,
          intentar(intentos, limiteDe(clave), ahora),
        ]),
      );
      const bloqueos = [...intentados].filter(([, intentos]) => bloqueado(intentos, ahora));
      // A refused attempt counts against none of its keys; it only locks those it took over.
      return bloqueos.length === 0 ? intentados : new Map([...actuales, ...bloqueos]);
    });
    const hasta = Math.max(
      ...[...guardados.values()].map((intentos: Intentos | null) => intentos?.bloqueadoHasta ?? 0),
    );
    if (hasta > ahora) throw new DemasiadosIntentosError(minutosHasta(hasta, ahora));
  }

  /** The attempt had the right password: the username starts afresh. */
  async acertar(quien: Intentantes): Promise<void> {
    await this.registro.cambiar(
      clavesDe(quien),
      (actuales) =>
        new Map(
          [...actuales].map(([clave, intentos]) => [
            clave,
            acertar(intentos, clave.startsWith(USUARIO)),
          ]),
        ),
    );
  }
}

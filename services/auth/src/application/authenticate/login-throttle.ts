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

/**
 * Who an attempt counts against: the username asked for (when it is one), the client address,
 * and the OAuth client whose secret is tried (token requests).
 */
export interface Intentantes {
  readonly username?: string;
  readonly direccion?: string;
  readonly cliente?: string;
}

const USUARIO = 'usuario:';
const DIRECCION = 'direccion:';
const CLIENTE = 'cliente:';

const clavesDe = ({ username, direccion, cliente }: Intentantes): string[] => [
  ...(username === undefined ? [] : [`${USUARIO}${username}`]),
  ...(direccion === undefined ? [] : [`${DIRECCION}${direccion}`]),
  ...(cliente === undefined ? [] : [`${CLIENTE}${cliente}`]),
];

/** What `cambio` makes of the attempts of each key. */
const cadaClave = (
  actuales: ReadonlyMap<string, Intentos | null>,
  cambio: (clave: string, intentos: Intentos | null) => Intentos | null,
): Map<string, Intentos | null> =>
  new Map([...actuales].map(([clave, intentos]) => [clave, cambio(clave, intentos)]));

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
    const guardados = await this.registro.cambiar(clavesDe(quien), (actuales) => {
      const intentados = cadaClave(actuales, (clave, intentos) =>
        intentar(intentos, this.limiteDe(clave), ahora),
      );
      const bloqueos = [...intentados].filter(([, intentos]) => bloqueado(intentos, ahora));
      // A refused attempt counts against none of its keys; it only locks those it took over.
      return bloqueos.length === 0 ? intentados : new Map([...actuales, ...bloqueos]);
    });
    this.refusarSiBloqueado(guardados, ahora);
  }

  /**
   * Refuses while any of the keys is locked, counting nothing. With `fallar` after a failure:
   * the brake for secrets too long to guess by trying them all at once, where counting every
   * attempt would lock a busy client out by its own concurrent successes.
   */
  async comprobar(quien: Intentantes): Promise<void> {
    const ahora = this.clock().getTime();
    const guardados = await this.registro.cambiar(clavesDe(quien), (actuales) => actuales);
    this.refusarSiBloqueado(guardados, ahora);
  }

  /** Counts a failed attempt (locking the keys that went over their limit). */
  async fallar(quien: Intentantes): Promise<void> {
    const ahora = this.clock().getTime();
    await this.registro.cambiar(clavesDe(quien), (actuales) =>
      cadaClave(actuales, (clave, intentos) => intentar(intentos, this.limiteDe(clave), ahora)),
    );
  }

  /** The attempt had the right password: the username starts afresh. */
  async acertar(quien: Intentantes): Promise<void> {
    await this.registro.cambiar(clavesDe(quien), (actuales) =>
      cadaClave(actuales, (clave, intentos) => acertar(intentos, clave.startsWith(USUARIO))),
    );
  }

  private limiteDe(clave: string): LimiteDeIntentos {
    return clave.startsWith(DIRECCION) ? this.limites.porDireccion : this.limites.porUsuario;
  }

  private refusarSiBloqueado(guardados: ReadonlyMap<string, Intentos | null>, ahora: number): void {
    const hasta = Math.max(
      0,
      ...[...guardados.values()].map((intentos) => intentos?.bloqueadoHasta ?? 0),
    );
    if (hasta > ahora) throw new DemasiadosIntentosError(minutosHasta(hasta, ahora));
  }
}

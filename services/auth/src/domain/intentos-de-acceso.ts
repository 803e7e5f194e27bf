/**
 * The brake on password guessing: sign-in attempts are counted per key (a username, a client
 * address), and a key that fails too often in a window is locked, each lock of it twice as
 * long as the one before. Times are epoch milliseconds.
 */

/** The attempts of one key. */
export interface Intentos {
  /** Attempts counted in the window that began at `desde`: failed, or still being checked. */
  readonly fallos: number;
  readonly desde: number;
  /** Attempts are refused until then; 0 when the key is not locked. */
  readonly bloqueadoHasta: number;
  /** How many times the key has been locked: the next lock lasts 2^bloqueos times the first. */
  readonly bloqueos: number;
  /** The last attempt counted. */
  readonly ultimo: number;
}

export interface LimiteDeIntentos {
  /** Failures allowed in a window; the next attempt locks the key. */
  readonly fallos: number;
  /** The window, and the first lock's length. */
  readonly ventanaMs: number;
}

const DIA_MS = 24 * 60 * 60 * 1000;

/** No lock lasts longer than a day. */
export const BLOQUEO_MAXIMO_MS = DIA_MS;

/** A key neither tried nor locked for a day is forgotten, its locks too. */
export const OLVIDO_MS = DIA_MS;

const vigentes = (intentos: Intentos | null, ahora: number): Intentos | null =>
  intentos && ahora - Math.max(intentos.ultimo, intentos.bloqueadoHasta) < OLVIDO_MS
    ? intentos
    : null;

export const bloqueado = (intentos: Intentos | null, ahora: number): boolean =>
  (intentos?.bloqueadoHasta ?? 0) > ahora;

/**
 * An attempt about to be checked. It is counted before the password is, so that attempts
 * sent all at once cannot all slip in before the first failure is recorded; a right password
 * takes it back (`acertar`). Refused when the result is `bloqueado`.
 */
export function intentar(
  actuales: Intentos | null,
  limite: LimiteDeIntentos,
  ahora: number,
): Intentos {
  const previos = vigentes(actuales, ahora) ?? {
    fallos: 0,
    desde: ahora,
    bloqueadoHasta: 0,
    bloqueos: 0,
    ultimo: ahora,
  };
  if (bloqueado(previos, ahora)) return previos;
  const enVentana =
    ahora - previos.desde < limite.ventanaMs ? previos : { ...previos, fallos: 0, desde: ahora };
  if (enVentana.fallos < limite.fallos) {
    return { ...enVentana, fallos: enVentana.fallos + 1, ultimo: ahora };
  }
  const duracion = Math.min(limite.ventanaMs * 2 ** previos.bloqueos, BLOQUEO_MAXIMO_MS);
  return {
    fallos: 0,
    desde: ahora,
    bloqueadoHasta: ahora + duracion,
    bloqueos: previos.bloqueos + 1,
    ultimo: ahora,
  };
}

/**
 * The attempt had the right password. A username starts afresh (`olvidar`): its owner is
 * back. An address only gets the attempt back: the next one from it may be someone else.
 */
export function acertar(actuales: Intentos | null, olvidar: boolean): Intentos | null {
  if (olvidar || !actuales) return null;
  return { ...actuales, fallos: Math.max(0, actuales.fallos - 1) };
}

/** Whole minutes until `hasta`, at least one: what the login page tells the user. */
export const minutosHasta = (hasta: number, ahora: number): number =>
  Math.max(1, Math.ceil((hasta - ahora) / 60_000));

/**
 * Where the attempts are kept, shared by every replica of the service.
 */
export interface RegistroDeIntentos {
  /**
   * Stores what `cambio` makes of the attempts of `claves` (null: forget the key), with no
   * other change to them in between, from this process or another; returns what it stored.
   */
  cambiar(
    claves: readonly string[],
    cambio: (
      actuales: ReadonlyMap<string, Intentos | null>,
    ) => ReadonlyMap<string, Intentos | null>,
  ): Promise<ReadonlyMap<string, Intentos | null>>;
  /** Removes the keys neither tried nor locked since `antes`; returns how many went. */
  olvidarAnterioresA(antes: number): Promise<number>;
}

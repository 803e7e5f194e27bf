import {
  ContrasenaDebilError,
  ContrasenaRepetidaError,
  RolDesconocidoError,
  UsuarioInvalidoError,
} from './errors';
import { PasswordHasher } from './password-hasher';
import { esRol, Rol, ROLES } from './rol';

/** The state of a user as it is stored; `revision` 0 for one not stored yet. */
export interface DatosDeUsuario {
  readonly username: string;
  readonly nombre: string;
  readonly roles: readonly Rol[];
  /** Opaque to the domain: the PasswordHasher's encoding, parameters included. */
  readonly passwordHash: string;
  readonly activo: boolean;
  /** The password is a provisional one an administrator gave: the user must choose another. */
  readonly debeCambiarContrasena: boolean;
  /**
   * Since when the credentials in force hold: sessions and tokens begun before it no longer
   * do (an administrator reset the password). Null: since the user was created.
   */
  readonly credencialesDesde: Date | null;
  readonly creadoAt: Date;
  readonly revision: number;
}

const usernamePattern = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** Usernames are compared as typed at the login page, so they are kept in one case. */
export function normalizarUsername(username: string): string {
  const normalizado = username.trim().toLowerCase();
  if (!usernamePattern.test(normalizado)) {
    throw new UsuarioInvalidoError(
      'username',
      'entre 3 y 64 caracteres: letras minúsculas, cifras, punto, guion o guion bajo, ' +
        'empezando por letra o cifra',
    );
  }
  return normalizado;
}

function normalizarNombre(nombre: string): string {
  const normalizado = nombre.trim();
  if (normalizado.length === 0 || normalizado.length > 200) {
    throw new UsuarioInvalidoError('nombre', 'entre 1 y 200 caracteres');
  }
  return normalizado;
}

/** A set of known roles, at least one, in a stable order. */
export function normalizarRoles(roles: readonly string[]): Rol[] {
  for (const rol of roles) if (!esRol(rol)) throw new RolDesconocidoError(rol);
  const elegidos = ROLES.filter((rol) => roles.includes(rol));
  if (elegidos.length === 0) {
    throw new UsuarioInvalidoError('roles', 'un usuario necesita al menos un rol');
  }
  return elegidos;
}

/** Long enough to resist guessing (NIST SP 800-63B), short enough that hashing stays cheap. */
export const LONGITUD_MINIMA_CONTRASENA = 8;
const LONGITUD_MAXIMA_CONTRASENA = 256;

function comprobarContrasena(password: string): void {
  const longitud = [...password].length; // characters, not UTF-16 units
  if (longitud < LONGITUD_MINIMA_CONTRASENA) {
    throw new ContrasenaDebilError(LONGITUD_MINIMA_CONTRASENA);
  }
  if (longitud > LONGITUD_MAXIMA_CONTRASENA) {
    throw new UsuarioInvalidoError(
      'password',
      `como mucho ${LONGITUD_MAXIMA_CONTRASENA} caracteres`,
    );
  }
}

/**
 * Someone who signs in to the platform: a username, a display name, the roles that say what
 * they may do, and whether they may sign in at all. Users are disabled, never deleted, so the
 * history that names them keeps its meaning.
 */
export class Usuario {
  private constructor(private estado: DatosDeUsuario) {}

  /** Checks everything before the (slow, on purpose) hashing of the password. */
  static async crear(
    datos: {
      readonly username: string;
      readonly nombre: string;
      readonly roles: readonly string[];
      readonly password: string;
      /** The password is one the administrator chose: the user replaces it at the first sign-in. */
      readonly provisional?: boolean;
      readonly at: Date;
    },
    hasher: PasswordHasher,
  ): Promise<Usuario> {
    const username = normalizarUsername(datos.username);
    const nombre = normalizarNombre(datos.nombre);
    const roles = normalizarRoles(datos.roles);
    comprobarContrasena(datos.password);
    return new Usuario({
      username,
      nombre,
      roles,
      passwordHash: await hasher.hash(datos.password),
      activo: true,
      debeCambiarContrasena: datos.provisional ?? false,
      credencialesDesde: null,
      creadoAt: datos.at,
      revision: 0,
    });
  }

  static reconstituir(datos: DatosDeUsuario): Usuario {
    return new Usuario(datos);
  }

  get username(): string {
    return this.estado.username;
  }

  get roles(): readonly Rol[] {
    return this.estado.roles;
  }

  get activo(): boolean {
    return this.estado.activo;
  }

  get passwordHash(): string {
    return this.estado.passwordHash;
  }

  get esAdministradorActivo(): boolean {
    return this.estado.activo && this.estado.roles.includes('admin');
  }

  asignarRoles(roles: readonly string[]): void {
    this.estado = { ...this.estado, roles: normalizarRoles(roles) };
  }

  /** A password of the user's own (or configured for them): no longer a provisional one. */
  async cambiarContrasena(password: string, hasher: PasswordHasher): Promise<void> {
    comprobarContrasena(password);
    this.estado = {
      ...this.estado,
      passwordHash: await hasher.hash(password),
      debeCambiarContrasena: false,
    };
  }

  /**
   * The user replaces the password they signed in with (`actual`, which the caller has
   * checked) by a new one: the same again would keep a provisional password in use.
   */
  async elegirContrasena(actual: string, nueva: string, hasher: PasswordHasher): Promise<void> {
    if (nueva === actual) throw new ContrasenaRepetidaError();
    await this.cambiarContrasena(nueva, hasher);
  }

  /**
   * An administrator gives a provisional password, which the user replaces at the next
   * sign-in; whatever signed in before `at` (sessions, refresh tokens) no longer holds, as the
   * old password may be in someone else's hands.
   */
  async restablecerContrasena(
    provisional: string,
    hasher: PasswordHasher,
    at: Date,
  ): Promise<void> {
    comprobarContrasena(provisional);
    this.estado = {
      ...this.estado,
      passwordHash: await hasher.hash(provisional),
      debeCambiarContrasena: true,
      credencialesDesde: at,
    };
  }

  /**
   * Whether a session or token begun at `inicio` still holds. Their times have whole seconds:
   * one begun in the very second of the reset holds (the user signing in with the new password
   * at once), one of an earlier second does not.
   */
  admiteAccesoIniciadoEn(inicio: Date): boolean {
    const { credencialesDesde } = this.estado;
    const segundo = (at: Date) => Math.floor(at.getTime() / 1000);
    return credencialesDesde === null || segundo(inicio) >= segundo(credencialesDesde);
  }

  deshabilitar(): void {
    this.estado = { ...this.estado, activo: false };
  }

  habilitar(): void {
    this.estado = { ...this.estado, activo: true };
  }

  datos(): DatosDeUsuario {
    return this.estado;
  }
}

import { CredencialesIncorrectasError, UsuarioDeshabilitadoError } from '../../domain/errors';
import { PasswordHasher } from '../../domain/password-hasher';
import { normalizarUsername, Usuario } from '../../domain/usuario';
import { UsuarioRepository } from '../../domain/usuario-repository';
import { UsuarioView, vistaDe } from '../usuarios';
import { LoginThrottle } from './login-throttle';

export interface Credenciales {
  readonly username: string;
  readonly password: string;
  /** The client's address, when known: its attempts are counted too. */
  readonly direccion?: string;
}

/** The username as it is stored, or undefined when it cannot be anybody's. */
const comoUsername = (username: string): string | undefined => {
  try {
    return normalizarUsername(username);
  } catch {
    return undefined;
  }
};

/**
 * Sign-in with username and password. An unknown user costs as much time as a wrong password
 * (a hash is checked either way), so timing does not tell which usernames exist, and is
 * counted and locked like a known one, so a lock does not tell it either; a disabled user is
 * refused, but only once the password is right. Too many failures lock the username and the
 * address for a while (LoginThrottle).
 */
export class AuthenticateHandler {
  private readonly hashDeNadie: Promise<string>;

  constructor(
    private readonly usuarios: UsuarioRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
  ) {
    this.hashDeNadie = hasher.hash('nadie tiene esta contraseña');
    this.hashDeNadie.catch(() => undefined); // reported when a sign-in awaits it
  }

  async handle(credenciales: Credenciales): Promise<UsuarioView> {
    return vistaDe(await this.usuarioDe(credenciales));
  }

  /** The user the credentials prove to be, as read: to change and save (its revision holds). */
  async usuarioDe({ username, password, direccion }: Credenciales): Promise<Usuario> {
    // A malformed username names nobody: only its address is counted.
    const normalizado = comoUsername(username);
    const quien = { username: normalizado, direccion };
    await this.throttle.intentar(quien);
    const usuario = normalizado ? await this.usuarios.findByUsername(normalizado) : null;
    const correcta = await this.hasher.verify(
      password,
      usuario?.passwordHash ?? (await this.hashDeNadie),
    );
    if (!usuario || !correcta) throw new CredencialesIncorrectasError();
    await this.throttle.acertar(quien);
    if (!usuario.activo) throw new UsuarioDeshabilitadoError(usuario.username);
    return usuario;
  }
}

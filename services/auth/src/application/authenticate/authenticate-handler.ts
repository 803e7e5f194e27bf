import { CredencialesIncorrectasError, UsuarioDeshabilitadoError } from '../../domain/errors';
import { PasswordHasher } from '../../domain/password-hasher';
import { normalizarUsername } from '../../domain/usuario';
import { UsuarioRepository } from '../../domain/usuario-repository';
import { UsuarioView, vistaDe } from '../usuarios';

export interface Credenciales {
  readonly username: string;
  readonly password: string;
}

const malformado = (username: string): boolean => {
  try {
    normalizarUsername(username);
    return false;
  } catch {
    return true;
  }
};

/**
 * Sign-in with username and password. An unknown user costs as much time as a wrong password
 * (a hash is checked either way), so timing does not tell which usernames exist; a disabled
 * user is refused, but only once the password is right.
 */
export class AuthenticateHandler {
  private readonly hashDeNadie: Promise<string>;

  constructor(
    private readonly usuarios: UsuarioRepository,
    private readonly hasher: PasswordHasher,
  ) {
    this.hashDeNadie = hasher.hash('nadie tiene esta contraseña');
    this.hashDeNadie.catch(() => undefined); // reported when a sign-in awaits it
  }

  async handle({ username, password }: Credenciales): Promise<UsuarioView> {
    const usuario = malformado(username)
      ? null
      : await this.usuarios.findByUsername(normalizarUsername(username));
    const correcta = await this.hasher.verify(
      password,
      usuario?.passwordHash ?? (await this.hashDeNadie),
    );
    if (!usuario || !correcta) throw new CredencialesIncorrectasError();
    if (!usuario.activo) throw new UsuarioDeshabilitadoError(usuario.username);
    return vistaDe(usuario);
  }
}

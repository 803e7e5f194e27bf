import { PasswordHasher } from '../../domain/password-hasher';
import { UsuarioRepository } from '../../domain/usuario-repository';
import { AuthenticateHandler, Credenciales } from '../authenticate/authenticate-handler';
import { UsuarioView, vistaDe } from '../usuarios';

export interface CambioDeContrasena extends Credenciales {
  readonly nueva: string;
}

/**
 * Users replace their password, proving it first as at sign-in (so the brake on guessing and
 * the refusal of disabled users apply): what someone given a provisional one must do to get in.
 * The user is saved at the revision it was authenticated at, so a password an administrator
 * sets meanwhile is not overwritten (UsuarioModificadoError).
 */
export class ChangeOwnPasswordHandler {
  constructor(
    private readonly usuarios: UsuarioRepository,
    private readonly hasher: PasswordHasher,
    private readonly authenticate: AuthenticateHandler,
  ) {}

  async handle({ nueva, ...credenciales }: CambioDeContrasena): Promise<UsuarioView> {
    const usuario = await this.authenticate.usuarioDe(credenciales);
    await usuario.elegirContrasena(credenciales.password, nueva, this.hasher);
    await this.usuarios.save(usuario);
    return vistaDe(usuario);
  }
}

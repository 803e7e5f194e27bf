import { PasswordHasher } from '../../domain/password-hasher';
import { UsuarioRepository } from '../../domain/usuario-repository';
import { cambiarUsuario, UsuarioView } from '../usuarios';

/**
 * An administrator gives a user (who forgot theirs, say) a provisional password to pass on;
 * the user replaces it at their next sign-in, so the administrator does not keep knowing it.
 */
export class ResetPasswordHandler {
  constructor(
    private readonly usuarios: UsuarioRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: () => Date,
  ) {}

  handle(username: string, provisional: string): Promise<UsuarioView> {
    return cambiarUsuario(this.usuarios, username, (usuario) =>
      usuario.restablecerContrasena(provisional, this.hasher, this.clock()),
    );
  }
}

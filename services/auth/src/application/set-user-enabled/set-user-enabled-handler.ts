import { UsuarioRepository } from '../../domain/usuario-repository';
import { cambiarUsuario, UsuarioView } from '../usuarios';

/**
 * Disables a user (who can then neither sign in nor refresh a token) or enables them again.
 */
export class SetUserEnabledHandler {
  constructor(private readonly usuarios: UsuarioRepository) {}

  handle(username: string, activo: boolean): Promise<UsuarioView> {
    return cambiarUsuario(this.usuarios, username, (usuario) =>
      activo ? usuario.habilitar() : usuario.deshabilitar(),
    );
  }
}

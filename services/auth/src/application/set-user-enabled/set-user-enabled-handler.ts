import { UsuarioRepository } from '../../domain/usuario-repository';
import { cambiarUsuario, UsuarioView } from '../usuarios';

/** Told when a user is disabled or enabled again, once the change is stored. */
export interface UserAccessChanges {
  accessChanged(username: string, activo: boolean): void;
}

/**
 * Disables a user (who can then neither sign in nor refresh a token) or enables them again,
 * and says so to whoever cuts off what they hold already (a gateway in the same process).
 */
export class SetUserEnabledHandler {
  constructor(
    private readonly usuarios: UsuarioRepository,
    private readonly changes?: UserAccessChanges,
  ) {}

  async handle(username: string, activo: boolean): Promise<UsuarioView> {
    const usuario = await cambiarUsuario(this.usuarios, username, (actual) =>
      activo ? actual.habilitar() : actual.deshabilitar(),
    );
    this.changes?.accessChanged(usuario.username, usuario.activo);
    return usuario;
  }
}

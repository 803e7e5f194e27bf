import { UsuarioRepository } from '../../domain/usuario-repository';
import { cambiarUsuario, UsuarioView } from '../usuarios';

/** Replaces a user's roles; they reach the tokens issued from then on. */
export class AssignRolesHandler {
  constructor(private readonly usuarios: UsuarioRepository) {}

  handle(username: string, roles: readonly string[]): Promise<UsuarioView> {
    return cambiarUsuario(this.usuarios, username, (usuario) => usuario.asignarRoles(roles));
  }
}

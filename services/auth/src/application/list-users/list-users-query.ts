import { UsuarioRepository } from '../../domain/usuario-repository';
import { UsuarioView, vistaDe } from '../usuarios';

/** Every user, enabled or not, by username. */
export class ListUsersQuery {
  constructor(private readonly usuarios: UsuarioRepository) {}

  async handle(): Promise<UsuarioView[]> {
    return (await this.usuarios.list()).map(vistaDe);
  }
}

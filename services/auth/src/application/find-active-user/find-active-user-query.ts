import { UsuarioRepository } from '../../domain/usuario-repository';
import { UsuarioView, vistaDe } from '../usuarios';

/**
 * The user a session or a token stands for, while they may still use the platform: null for
 * one disabled (or gone), so their sessions and refresh tokens stop working.
 */
export class FindActiveUserQuery {
  constructor(private readonly usuarios: UsuarioRepository) {}

  async handle(username: string): Promise<UsuarioView | null> {
    const usuario = await this.usuarios.findByUsername(username);
    return usuario?.activo ? vistaDe(usuario) : null;
  }
}

import { UsuarioRepository } from '../../domain/usuario-repository';
import { UsuarioView, vistaDe } from '../usuarios';

/**
 * The user a session or a token stands for, while they may still use the platform: null for
 * one disabled (or gone), and for a session or token begun (`inicio`) before an administrator
 * reset their password, so those stop working.
 */
export class FindActiveUserQuery {
  constructor(private readonly usuarios: UsuarioRepository) {}

  async handle(username: string, inicio?: Date): Promise<UsuarioView | null> {
    const usuario = await this.usuarios.findByUsername(username);
    if (!usuario?.activo) return null;
    if (inicio && !usuario.admiteAccesoIniciadoEn(inicio)) return null;
    return vistaDe(usuario);
  }
}

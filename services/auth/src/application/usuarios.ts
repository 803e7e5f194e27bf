import { UltimoAdministradorError, UsuarioNoEncontradoError } from '../domain/errors';
import { Rol } from '../domain/rol';
import { normalizarUsername, Usuario } from '../domain/usuario';
import { UsuarioRepository } from '../domain/usuario-repository';

/** A user as the use cases hand it out: never the password hash. */
export interface UsuarioView {
  readonly username: string;
  readonly nombre: string;
  readonly roles: readonly Rol[];
  readonly activo: boolean;
  /** Signs in with a provisional password, and must choose another to get in. */
  readonly debeCambiarContrasena: boolean;
  readonly creadoAt: string;
}

export function vistaDe(usuario: Usuario): UsuarioView {
  const { username, nombre, roles, activo, debeCambiarContrasena, creadoAt } = usuario.datos();
  return {
    username,
    nombre,
    roles,
    activo,
    debeCambiarContrasena,
    creadoAt: creadoAt.toISOString(),
  };
}

export async function cargarUsuario(
  usuarios: UsuarioRepository,
  username: string,
): Promise<Usuario> {
  const usuario = await usuarios.findByUsername(normalizarUsername(username));
  if (!usuario) throw new UsuarioNoEncontradoError(username);
  return usuario;
}

/**
 * Applies `cambio` to a user and saves it, unless it would leave no enabled administrator:
 * someone must always be able to manage the users.
 */
export async function cambiarUsuario(
  usuarios: UsuarioRepository,
  username: string,
  cambio: (usuario: Usuario) => void | Promise<void>,
): Promise<UsuarioView> {
  const usuario = await cargarUsuario(usuarios, username);
  const eraAdministrador = usuario.esAdministradorActivo;
  await cambio(usuario);
  if (
    eraAdministrador &&
    !usuario.esAdministradorActivo &&
    (await usuarios.countActiveAdmins()) <= 1
  ) {
    throw new UltimoAdministradorError(usuario.username);
  }
  await usuarios.save(usuario);
  return vistaDe(usuario);
}

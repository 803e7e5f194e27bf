import { ListaDePersonas, ListaDeUsuarios, NuevoUsuario, Usuario } from '../model/usuarios';
import { CallContext } from './caller';

/**
 * auth's user management; auth itself lets only administrators use it, but for the directory
 * of who is who, which everyone with a role reads.
 */
export interface UsersApi {
  people(call: CallContext): Promise<ListaDePersonas>;
  list(call: CallContext): Promise<ListaDeUsuarios>;
  create(nuevo: NuevoUsuario, call: CallContext): Promise<Usuario>;
  assignRoles(username: string, roles: readonly string[], call: CallContext): Promise<Usuario>;
  setEnabled(username: string, activo: boolean, call: CallContext): Promise<Usuario>;
  /** A provisional password, which the user replaces at their next sign-in. */
  resetPassword(username: string, password: string, call: CallContext): Promise<Usuario>;
}

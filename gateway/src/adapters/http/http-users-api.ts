import { listaDePersonas, listaDeUsuarios, NuevoUsuario, usuario } from '../../model/usuarios';
import { CallContext } from '../../ports/caller';
import { UsersApi } from '../../ports/users-api';
import { ServiceClient } from './service-client';

const userPath = (username: string) => `/users/${encodeURIComponent(username)}`;

/**
 * auth's user management API (`/users` of its process, or of its module in the embedded one).
 * Every change but a creation leaves the user as it says whatever it found, so a call lost on
 * the way is tried again like a read.
 */
export class HttpUsersApi implements UsersApi {
  constructor(private readonly client: ServiceClient) {}

  async people(call: CallContext) {
    const reply = await this.client.send('/people', {}, call);
    return this.client.parse(listaDePersonas, reply.json);
  }

  async list(call: CallContext) {
    const reply = await this.client.send('/users', {}, call);
    return this.client.parse(listaDeUsuarios, reply.json);
  }

  async create(nuevo: NuevoUsuario, call: CallContext) {
    const reply = await this.client.send('/users', { method: 'POST', json: nuevo }, call);
    return this.client.parse(usuario, reply.json);
  }

  async assignRoles(username: string, roles: readonly string[], call: CallContext) {
    const reply = await this.client.send(
      `${userPath(username)}/roles`,
      { method: 'PUT', json: { roles }, repeatable: true },
      call,
    );
    return this.client.parse(usuario, reply.json);
  }

  async setEnabled(username: string, activo: boolean, call: CallContext) {
    const action = activo ? 'enable' : 'disable';
    const reply = await this.client.send(
      `${userPath(username)}/${action}`,
      { method: 'POST', repeatable: true },
      call,
    );
    return this.client.parse(usuario, reply.json);
  }

  async resetPassword(username: string, password: string, call: CallContext) {
    const reply = await this.client.send(
      `${userPath(username)}/password`,
      { method: 'POST', json: { password }, repeatable: true },
      call,
    );
    return this.client.parse(usuario, reply.json);
  }
}

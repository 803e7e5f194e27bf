import { request } from './http';
import { CambioDeUsuario, NuevoUsuario, Usuario } from './types';

/** The API's rule, checked here too so that a short password is told before sending it. */
export const LONGITUD_MINIMA_CONTRASENA = 8;

const userPath = (username: string): string => `/users/${encodeURIComponent(username)}`;

export const listUsuarios = async (): Promise<readonly Usuario[]> =>
  (await request<{ usuarios: readonly Usuario[] }>('/users')).data.usuarios;

/** 409 when the username is taken; 422 for a value the API does not take. */
export const createUsuario = async (
  nuevo: NuevoUsuario,
  idempotencyKey?: string,
): Promise<Usuario> =>
  (await request<Usuario>('/users', { method: 'POST', json: nuevo, idempotencyKey })).data;

/** New roles (they replace the old ones) or enabled/disabled; 409 if no admin would be left. */
export const changeUsuario = async (
  username: string,
  cambio: CambioDeUsuario,
  idempotencyKey?: string,
): Promise<Usuario> =>
  (await request<Usuario>(userPath(username), { method: 'PATCH', json: cambio, idempotencyKey }))
    .data;

/** A provisional password: the user chooses another at the next sign-in. */
export const resetPassword = async (
  username: string,
  password: string,
  idempotencyKey?: string,
): Promise<Usuario> =>
  (
    await request<Usuario>(`${userPath(username)}/password`, {
      method: 'POST',
      json: { password },
      idempotencyKey,
    })
  ).data;

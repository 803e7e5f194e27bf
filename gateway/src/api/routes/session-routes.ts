import { usuarioActual, UsuarioActual } from '../../model/usuario-actual';
import { requireCaller } from '../../security/caller-of-request';
import { route, RouteDefinition } from '../route';
import { STAFF } from './shared';

/**
 * Who is calling: what the web UI asks first, to know who is signed in (401 when nobody), with
 * the limits it checks before sending anything.
 */
export function sessionRoutes(limits: { readonly maxFileBytes: number }): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: '/me',
      operationId: 'verUsuarioActual',
      tag: 'Sesión',
      summary: 'Quién hace la petición, con sus roles y los límites de la plataforma',
      description:
        'Con la sesión del navegador (tras /login) da también el token CSRF que sus ' +
        'peticiones que cambian algo deben llevar en la cabecera x-csrf-token.',
      roles: STAFF,
      responses: { 200: { description: 'Quién es', schema: usuarioActual } },
      async handle({ res }) {
        const { actor, name, csrfToken } = requireCaller(res);
        res.set('cache-control', 'no-store').json({
          username: actor.userId,
          name: name ?? null,
          roles: [...actor.roles],
          limites: { tamanoMaximoDeArchivo: limits.maxFileBytes },
          ...(csrfToken ? { csrfToken } : {}),
        } satisfies UsuarioActual);
      },
    }),
  ];
}

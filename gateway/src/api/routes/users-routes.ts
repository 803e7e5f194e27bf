import { z } from 'zod';
import { listaDePersonas, listaDeUsuarios, rol, usuario } from '../../model/usuarios';
import { UsersApi } from '../../ports/users-api';
import { route, RouteDefinition, Role } from '../route';
import { STAFF } from './shared';

const ADMINS: readonly Role[] = ['admin'];
const TAG_USUARIOS = 'Usuarios';

const usernameParams = z.object({
  username: z.string().min(1).max(64).describe('El nombre de usuario con el que entra'),
});
const password = z.string().max(256).describe('Al menos 8 caracteres');
const roles = z.array(rol).min(1).max(3);

const nuevoUsuario = z.object({
  username: z
    .string()
    .max(64)
    .describe('3 a 64 caracteres: minúsculas, cifras, punto, guion o guion bajo'),
  nombre: z.string().max(200).describe('Como lo leen los demás'),
  password,
  roles,
  debeCambiarContrasena: z
    .boolean()
    .optional()
    .describe(
      'true: la contraseña es provisional y el usuario elige otra al entrar (false si falta)',
    ),
});

const cambioDeUsuario = z
  .object({
    roles: roles.optional(),
    activo: z.boolean().optional().describe('false: ya no puede entrar; true: vuelve a poder'),
  })
  .refine((cambio) => cambio.roles !== undefined || cambio.activo !== undefined, {
    message: 'Indique roles, activo o ambos',
  });

const hecho = { 200: { description: 'El usuario, ya cambiado', schema: usuario } };

/**
 * User administration for administrators, on auth's own API: the gateway checks the role
 * first and auth again. Users are disabled, never deleted; the last enabled administrator
 * can be neither disabled nor stripped of the role (409). Who is who (a name for each
 * username) is for everyone with a role.
 */
export function usersRoutes(users: UsersApi): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: '/people',
      operationId: 'listarPersonas',
      tag: TAG_USUARIOS,
      summary: 'El nombre de cada usuario, habilitado o no',
      description:
        'Para mostrar a las personas por su nombre donde la API da su nombre de usuario.',
      roles: STAFF,
      responses: { 200: { description: 'Quién es quién', schema: listaDePersonas } },
      async handle({ call, res }) {
        res.json(await users.people(call));
      },
    }),
    route({
      method: 'get',
      path: '/users',
      operationId: 'listarUsuarios',
      tag: TAG_USUARIOS,
      summary: 'Todos los usuarios, habilitados o no',
      roles: ADMINS,
      responses: { 200: { description: 'Los usuarios', schema: listaDeUsuarios } },
      async handle({ call, res }) {
        res.json(await users.list(call));
      },
    }),
    route({
      method: 'post',
      path: '/users',
      operationId: 'crearUsuario',
      tag: TAG_USUARIOS,
      summary: 'Da de alta a un usuario, habilitado, con los roles indicados',
      roles: ADMINS,
      body: { kind: 'json', schema: nuevoUsuario },
      responses: { 201: { description: 'El usuario creado', schema: usuario } },
      problems: [409],
      async handle({ body, call, res }) {
        const creado = await users.create(body, call);
        res.status(201).location(`${res.req.baseUrl}/users/${encodeURIComponent(creado.username)}`);
        res.json(creado);
      },
    }),
    route({
      method: 'patch',
      path: '/users/{username}',
      operationId: 'cambiarUsuario',
      tag: TAG_USUARIOS,
      summary: 'Cambia los roles de un usuario, o lo deshabilita o vuelve a habilitar',
      description:
        'Los roles sustituyen a los que tenía. Con roles y activo a la vez, se aplican en ' +
        'ese orden: si lo segundo se rechaza, lo primero queda hecho.',
      roles: ADMINS,
      params: usernameParams,
      body: { kind: 'json', schema: cambioDeUsuario },
      responses: hecho,
      problems: [404, 409],
      async handle({ params, body, call, res }) {
        let cambiado = body.roles && (await users.assignRoles(params.username, body.roles, call));
        if (body.activo !== undefined) {
          cambiado = await users.setEnabled(params.username, body.activo, call);
        }
        res.json(cambiado);
      },
    }),
    route({
      method: 'post',
      path: '/users/{username}/password',
      operationId: 'restablecerContrasena',
      tag: TAG_USUARIOS,
      summary: 'Da al usuario una contraseña provisional',
      description:
        'El usuario entra con ella una vez y en ese momento elige otra; hasta entonces, ' +
        'debeCambiarContrasena es true.',
      roles: ADMINS,
      params: usernameParams,
      body: { kind: 'json', schema: z.object({ password }) },
      responses: hecho,
      problems: [404],
      async handle({ params, body, call, res }) {
        res.json(await users.resetPassword(params.username, body.password, call));
      },
    }),
  ];
}

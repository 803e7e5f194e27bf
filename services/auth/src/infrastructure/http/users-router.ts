import express, { RequestHandler } from 'express';
import { z } from 'zod';
import { ForbiddenError } from '@expedientes/shared-kernel';
import {
  actorOf,
  handle,
  requireRoles,
  STAFF_ROLES,
} from '@expedientes/shared-kernel/adapters/runtime';
import { AssignRolesHandler } from '../../application/assign-roles/assign-roles-handler';
import { CreateUserHandler } from '../../application/create-user/create-user-handler';
import { ListUsersQuery } from '../../application/list-users/list-users-query';
import { ResetPasswordHandler } from '../../application/reset-password/reset-password-handler';
import { SetUserEnabledHandler } from '../../application/set-user-enabled/set-user-enabled-handler';

// Shapes only: the domain checks the values (username format, known roles, password length).
const roles = z.array(z.string()).max(10);
const newUser = z.object({
  username: z.string(),
  nombre: z.string(),
  password: z.string(),
  roles,
  debeCambiarContrasena: z.boolean().optional(),
});
const newRoles = z.object({ roles });
const newPassword = z.object({ password: z.string() });

const adminsOnly: RequestHandler = (_req, res, next) => {
  if (!actorOf(res).roles.includes('admin')) {
    next(new ForbiddenError('Solo un administrador puede gestionar los usuarios'));
    return;
  }
  next();
};

/**
 * Who is who, for everyone with a role (behind the host's authentication):
 * - GET /people: every user's username and name, so that screens name people, not accounts
 *
 * User management for administrators (role admin):
 * - GET /users: every user
 * - POST /users {username, nombre, password, roles, debeCambiarContrasena?}: 201 with the new
 *   user (with debeCambiarContrasena, the password is provisional)
 * - PUT /users/:username/roles {roles}: the user with its new roles
 * - POST /users/:username/disable, POST /users/:username/enable
 * - POST /users/:username/password {password}: the user with a provisional password, which
 *   they must replace at their next sign-in (debeCambiarContrasena)
 */
export function usersRouter(handlers: {
  readonly list: ListUsersQuery;
  readonly create: CreateUserHandler;
  readonly assignRoles: AssignRolesHandler;
  readonly setEnabled: SetUserEnabledHandler;
  readonly resetPassword: ResetPasswordHandler;
}): express.Router {
  const router = express.Router();
  router.get(
    '/people',
    requireRoles(STAFF_ROLES, 'las personas'),
    handle(async (_req, res) => {
      const usuarios = await handlers.list.handle();
      res.json({ personas: usuarios.map(({ username, nombre }) => ({ username, nombre })) });
    }),
  );
  router.use('/users', adminsOnly);
  router.get(
    '/users',
    handle(async (_req, res) => {
      res.json({ usuarios: await handlers.list.handle() });
    }),
  );
  router.post(
    '/users',
    handle(async (req, res) => {
      const usuario = await handlers.create.handle(newUser.parse(req.body));
      res.status(201).json(usuario);
    }),
  );
  router.put(
    '/users/:username/roles',
    handle(async (req, res) => {
      const { roles: nuevos } = newRoles.parse(req.body);
      res.json(await handlers.assignRoles.handle(req.params.username as string, nuevos));
    }),
  );
  router.post(
    '/users/:username/password',
    handle(async (req, res) => {
      const { password } = newPassword.parse(req.body);
      res.json(await handlers.resetPassword.handle(req.params.username as string, password));
    }),
  );
  for (const [action, activo] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    router.post(
      `/users/:username/${action}`,
      handle(async (req, res) => {
        res.json(await handlers.setEnabled.handle(req.params.username as string, activo));
      }),
    );
  }
  return router;
}

import { Usuario } from '../../src/domain/proceso';

/** The users of the examples, one per role. */
export const usuarios = {
  tramitadora: { userId: 'ana.tramitadora', roles: ['tramitador'] },
  validador: { userId: 'luis.validador', roles: ['validador'] },
  admin: { userId: 'marta.admin', roles: ['admin'] },
  sinRoles: { userId: 'pepe.consulta', roles: [] },
} satisfies Record<string, Usuario>;

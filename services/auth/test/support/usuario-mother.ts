import { FakePasswordHasher } from './in-memory-usuarios';
import { Usuario } from '../../src/domain/usuario';

export const creadoAt = new Date('2025-03-01T09:00:00.000Z');

/** Valid users, one per role, with passwords the fake hasher knows. */
export const UsuarioMother = {
  datos: (overrides: Partial<Parameters<typeof Usuario.crear>[0]> = {}) => ({
    username: 'ana.tramitadora',
    nombre: 'Ana García',
    roles: ['tramitador'],
    password: 'contraseña de ana',
    at: creadoAt,
    ...overrides,
  }),
  crear: (overrides: Partial<Parameters<typeof Usuario.crear>[0]> = {}) =>
    Usuario.crear(UsuarioMother.datos(overrides), new FakePasswordHasher()),
  admin: () => UsuarioMother.crear({ username: 'marta.admin', nombre: 'Marta', roles: ['admin'] }),
};

import { z } from 'zod';
import { instante } from './common';
import { named } from './schema-names';

/** The roles a user may hold, as auth knows them. */
export const rol = named(
  'Rol',
  'tramitador: abre y tramita expedientes; validador: valida o rechaza sus fases; ' +
    'admin: todo, y gestiona los usuarios',
  z.enum(['tramitador', 'validador', 'admin']),
);

export const usuario = named(
  'Usuario',
  'Quien entra en la plataforma: nunca se borra, se deshabilita',
  z.object({
    username: z.string(),
    nombre: z.string(),
    roles: z.array(rol),
    activo: z.boolean().describe('Si puede entrar'),
    creadoAt: instante,
    debeCambiarContrasena: z
      .boolean()
      .describe('Tiene una contraseña provisional: elegirá otra al entrar'),
  }),
);
export type Usuario = z.infer<typeof usuario>;

export const listaDeUsuarios = named(
  'ListaDeUsuarios',
  'Todos los usuarios',
  z.object({ usuarios: z.array(usuario) }),
);

export const listaDePersonas = named(
  'ListaDePersonas',
  'Quién es quién: el nombre de cada usuario, para mostrarlo en lugar de su nombre de usuario',
  z.object({
    personas: z.array(
      z.object({
        username: z.string(),
        nombre: z.string(),
      }),
    ),
  }),
);
export type ListaDePersonas = z.infer<typeof listaDePersonas>;

export interface NuevoUsuario {
  readonly username: string;
  readonly nombre: string;
  readonly password: string;
  readonly roles: readonly string[];
  readonly debeCambiarContrasena?: boolean;
}
export type ListaDeUsuarios = z.infer<typeof listaDeUsuarios>;

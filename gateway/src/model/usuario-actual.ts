import { z } from 'zod';
import { named } from './schema-names';

export const usuarioActual = named(
  'UsuarioActual',
  'Quién hace la petición: el usuario de la sesión del navegador o del token',
  z.object({
    username: z.string().describe('El usuario (o el cliente, con un token de máquina)'),
    name: z.string().nullable().describe('Su nombre, cuando lo dijo el inicio de sesión'),
    roles: z.array(z.string()),
    limites: z
      .object({
        tamanoMaximoDeArchivo: z
          .number()
          .int()
          .positive()
          .describe('Los bytes que puede tener como mucho cada archivo que se sube'),
      })
      .describe('Lo que la plataforma acepta: para comprobarlo antes de enviar nada'),
    csrfToken: z
      .string()
      .optional()
      .describe(
        'Solo en una sesión del navegador: lo que sus peticiones que cambian algo llevan en ' +
          'la cabecera x-csrf-token',
      ),
  }),
);
export type UsuarioActual = z.infer<typeof usuarioActual>;

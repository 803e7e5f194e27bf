import { z } from 'zod';
import { faseResumida } from './common';
import { expedienteEnLista } from './expedientes';
import { named } from './schema-names';

export const tareas = named(
  'Tareas',
  'Lo que espera a quien pregunta: los expedientes abiertos en las fases en que sus roles pueden ' +
    'cambiarlos de fase, suyos o sin asignar (un administrador, todos), los que más esperan primero',
  z.object({
    total: z.number().int().nonnegative(),
    porFase: z
      .array(z.object({ fase: faseResumida, total: z.number().int().nonnegative() }))
      .describe('Cuántos esperan en cada fase, en el orden del procedimiento'),
    expedientes: z.array(expedienteEnLista).describe('Los primeros, hasta `limite`'),
    menciones: z
      .object({ total: z.number().int().nonnegative(), expedientes: z.array(expedienteEnLista) })
      .describe(
        'Los abiertos en cuyos comentarios se le menciona (@usuario), los más recientes primero',
      ),
  }),
);
export type Tareas = z.infer<typeof tareas>;

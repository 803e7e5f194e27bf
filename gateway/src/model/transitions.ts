import { z } from 'zod';
import { fase } from './common';
import { named } from './schema-names';

export const transicionesDisponibles = named(
  'TransicionesDisponibles',
  'La fase actual del expediente y las fases a las que quien pregunta puede llevarlo ahora',
  z.object({
    expedienteId: z.string(),
    faseActual: fase,
    transicionesDisponibles: z.array(fase),
    conMotivo: z
      .array(z.string())
      .describe(
        'Los códigos de esas fases a las que solo se pasa indicando el motivo (un rechazo)',
      ),
  }),
);
export type TransicionesDisponibles = z.infer<typeof transicionesDisponibles>;

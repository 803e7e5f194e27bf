import { z } from 'zod';
import { named } from './schema-names';

export const cambioDeExpediente = named(
  'CambioDeExpediente',
  'Que un expediente ha cambiado: lo que lleva cada evento `expediente` de /events',
  z.object({
    expedienteId: z.string(),
    version: z
      .number()
      .int()
      .nonnegative()
      .describe(
        'La versión del expediente tras el cambio: su detalle está al día cuando muestra esta o una posterior',
      ),
    tipo: z
      .string()
      .describe(
        'Qué cambió: solicitado, abierto, creacion-rechazada, descripcion-editada, fase-cambiada, documento-adjuntado o comentario-anadido',
      ),
  }),
);
export type CambioDeExpediente = z.infer<typeof cambioDeExpediente>;

import { z } from 'zod';
import { estadoDeExpediente, faseResumida, instante, opcionInicial, pagina } from './common';
import { named } from './schema-names';

const expedienteEncontrado = named(
  'ExpedienteEncontrado',
  'Un expediente que responde a la búsqueda, con su relevancia (score)',
  z.object({
    expedienteId: z.string(),
    codigo: z.string(),
    descripcion: z.string(),
    opcionInicial,
    fase: faseResumida.nullable(),
    estado: estadoDeExpediente,
    creadoPor: z.string(),
    creadoAt: instante,
    actualizadoAt: instante,
    documentos: z.array(z.object({ documentId: z.string(), nombre: z.string() })),
    score: z.number().nullable().describe('La relevancia; null cuando no se busca texto'),
  }),
);

export const resultadoDeBusqueda = named(
  'ResultadoDeBusqueda',
  'Una página de resultados de la búsqueda, de más a menos relevante',
  pagina(expedienteEncontrado),
);
export type ResultadoDeBusqueda = z.infer<typeof resultadoDeBusqueda>;

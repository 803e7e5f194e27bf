import { z } from 'zod';
import { instante } from './common';
import { named } from './schema-names';

const versionDelDocumento = named(
  'VersionDeDocumento',
  'Una versión de un documento, con su huella SHA-256',
  z.object({
    version: z.number().int().positive(),
    nombre: z.string(),
    mediaType: z.string(),
    size: z.number().int().nonnegative(),
    sha256: z.string(),
    subidoAt: instante,
    subidoPor: z.string(),
  }),
);

export const documento = named(
  'Documento',
  'Un documento: los datos de su última versión, el expediente al que pertenece y todas sus versiones',
  z.object({
    documentId: z.string(),
    version: z.number().int().positive(),
    nombre: z.string(),
    mediaType: z.string(),
    size: z.number().int().nonnegative(),
    sha256: z.string(),
    expedienteId: z.string().nullable(),
    subidoAt: instante,
    subidoPor: z.string(),
    actualizadoAt: instante,
    actualizadoPor: z.string(),
    versiones: z.array(versionDelDocumento),
  }),
);
export type Documento = z.infer<typeof documento>;

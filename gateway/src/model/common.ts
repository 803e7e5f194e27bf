import {
  documentoSchema,
  faseSchema,
  instant,
  opcionInicialSchema,
} from '@expedientes/shared-kernel';
import { z } from 'zod';
import { named } from './schema-names';

/** Times are ISO-8601 instants, as every service writes them. */
export const instante = instant;

export const fase = named('Fase', 'Una fase del procedimiento', faseSchema);

/** A phase as the lists show it: its code and the name users read. */
export const faseResumida = named(
  'FaseResumida',
  'Una fase, por su código y nombre',
  z.object({ codigo: z.string(), nombre: z.string() }),
);
export type FaseResumida = z.infer<typeof faseResumida>;

export const opcionInicial = named(
  'OpcionInicial',
  'Cómo llegó el expediente: por la sede electrónica o a petición de un departamento',
  opcionInicialSchema,
);

export const estadoDeExpediente = named(
  'EstadoDeExpediente',
  'Dónde está el expediente: pendiente de apertura, abierto, finalizado, o con la creación rechazada',
  z.enum(['pendiente', 'abierto', 'finalizado', 'creacion_rechazada']),
);
export type EstadoDeExpediente = z.infer<typeof estadoDeExpediente>;

/** The states and initial options in the users' words, for what the gateway writes itself. */
export const NOMBRE_DE_ESTADO: Readonly<Record<EstadoDeExpediente, string>> = {
  pendiente: 'Pendiente',
  abierto: 'Abierto',
  finalizado: 'Finalizado',
  creacion_rechazada: 'Creación rechazada',
};
export const NOMBRE_DE_OPCION_INICIAL: Readonly<Record<string, string>> = {
  SEDE_ELECTRONICA: 'Sede electrónica',
  PETICION_DEPARTAMENTO: 'A petición departamento',
};

/** One version of a document as the expedientes know it (the published language's shape). */
export const documentoDeExpediente = named(
  'VersionRegistrada',
  'Una versión de un documento tal como la registra el expediente',
  documentoSchema,
);

/** A page of a list: its items, how many there are in all, and where this page is. */
export const pagina = <TItem extends z.ZodType>(item: TItem) =>
  z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    page: z.number().int().positive(),
    pageSize: z.number().int().positive(),
  });

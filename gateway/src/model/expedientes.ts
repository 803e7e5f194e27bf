import { z } from 'zod';
import {
  documentoDeExpediente,
  estadoDeExpediente,
  fase,
  faseResumida,
  instante,
  opcionInicial,
  pagina,
} from './common';
import { named } from './schema-names';

const pasoPorFase = named(
  'PasoPorFase',
  'Una estancia en una fase: cuándo y quién la trajo, y cuándo y quién la sacó de ella (null mientras sigue en ella)',
  z.object({
    fase,
    entradaAt: instante,
    entradaPor: z.string(),
    salidaAt: instante.nullable(),
    salidaPor: z.string().nullable(),
    motivo: z.string().optional().describe('Por qué la trajo a esta fase, si lo dijo (un rechazo)'),
    vencimiento: z.iso
      .date()
      .optional()
      .describe('El último día del plazo de la fase, si tenía (AAAA-MM-DD)'),
  }),
);

const plazo = named(
  'Plazo',
  'El plazo de la fase en la que está: su último día, en días del calendario de la administración, y cómo está hoy (próximo: le quedan DEADLINE_WARNING_DAYS días o menos, contando el último)',
  z.object({
    vencimiento: z.iso.date().describe('El último día del plazo (AAAA-MM-DD)'),
    estado: z.enum(['en-plazo', 'proximo', 'vencido']),
  }),
);

const versionDeDocumento = z.object({
  version: z.number().int().positive(),
  nombre: z.string(),
  mediaType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string(),
  subidoAt: instante,
  subidoPor: z.string(),
});

const documentoEnExpediente = named(
  'DocumentoDelExpediente',
  'Un documento del expediente: los datos de su última versión, quién lo subió y actualizó, y todas sus versiones',
  z.object({
    documentId: z.string(),
    nombre: z.string(),
    mediaType: z.string(),
    version: z.number().int().positive(),
    size: z.number().int().nonnegative(),
    sha256: z.string(),
    subidoAt: instante,
    subidoPor: z.string(),
    actualizadoAt: instante,
    actualizadoPor: z.string(),
    versiones: z.array(versionDeDocumento),
  }),
);

export const comentario = named(
  'Comentario',
  'Un comentario: texto plano con saltos de línea, quién lo escribió, cuándo, y a quién menciona (@usuario); nunca se edita ni se borra',
  z.object({
    version: z
      .number()
      .int()
      .nonnegative()
      .describe('La versión del expediente que produjo: su lugar entre los demás cambios'),
    texto: z.string(),
    menciones: z.array(z.string()).describe('Los nombres de usuario mencionados, sin la @'),
    por: z.string(),
    at: instante,
  }),
);
export type Comentario = z.infer<typeof comentario>;

export const expediente = named(
  'Expediente',
  'El detalle de un expediente',
  z.object({
    id: z.string(),
    codigo: z.string(),
    opcionInicial,
    opcionInicialNombre: z.string(),
    descripcion: z.string(),
    estado: estadoDeExpediente,
    rechazo: z.object({ causa: z.string().nullable(), motivo: z.string() }).nullable(),
    creadoAt: instante,
    creadoPor: z.string(),
    actualizadoAt: instante,
    actualizadoPor: z.string(),
    fase: fase.nullable(),
    historialDeFases: z.array(pasoPorFase),
    documentos: z.array(documentoEnExpediente),
    comentarios: z.array(comentario).describe('Del más antiguo al más reciente'),
    asignadoA: z.string().nullable().describe('Quién lo tiene para tramitarlo; null: nadie'),
    plazo: plazo.nullable().describe('null: su fase no tiene plazo, o está cerrado'),
    version: z.number().int().nonnegative(),
  }),
);
export type Expediente = z.infer<typeof expediente>;

export const asignacion = named(
  'Asignacion',
  'Quién tiene ahora el expediente para tramitarlo (null: nadie) y la versión del expediente',
  z.object({
    expedienteId: z.string(),
    asignadoA: z.string().nullable(),
    version: z.number().int().nonnegative(),
  }),
);
export type Asignacion = z.infer<typeof asignacion>;

export const comentarioAnadido = named(
  'ComentarioAnadido',
  'El comentario guardado, del expediente que lo tiene',
  comentario.extend({ expedienteId: z.string() }),
);
export type ComentarioAnadido = z.infer<typeof comentarioAnadido>;

export const expedienteEnLista = named(
  'ExpedienteEnLista',
  'Una fila de la lista de expedientes',
  z.object({
    id: z.string(),
    codigo: z.string(),
    opcionInicial,
    descripcion: z.string(),
    estado: estadoDeExpediente,
    fase: faseResumida.nullable(),
    creadoAt: instante,
    creadoPor: z.string(),
    actualizadoAt: instante,
    asignadoA: z.string().nullable().describe('Quién lo tiene para tramitarlo; null: nadie'),
    plazo: plazo.nullable().describe('null: su fase no tiene plazo, o está cerrado'),
    version: z.number().int().nonnegative(),
  }),
);

export const paginaDeExpedientes = named(
  'PaginaDeExpedientes',
  'Una página de la lista de expedientes',
  pagina(expedienteEnLista),
);
export type PaginaDeExpedientes = z.infer<typeof paginaDeExpedientes>;

export const historial = named(
  'Historial',
  'Todos los cambios del expediente, del más antiguo al más reciente',
  z.object({
    expedienteId: z.string(),
    entradas: z.array(
      z.object({
        version: z.number().int().nonnegative(),
        tipo: z.string(),
        ocurridoAt: instante,
        usuario: z.string(),
        roles: z.array(z.string()),
        resumen: z.string(),
        datos: z.record(z.string(), z.unknown()),
      }),
    ),
  }),
);
export type Historial = z.infer<typeof historial>;

export const expedienteAbierto = named(
  'ExpedienteAbierto',
  'El expediente recién abierto',
  z.object({
    expedienteId: z.string(),
    codigo: z.string(),
    estado: estadoDeExpediente,
    fase: fase.nullable(),
    version: z.number().int().nonnegative(),
  }),
);
export type ExpedienteAbierto = z.infer<typeof expedienteAbierto>;

export const descripcionEditada = named(
  'DescripcionEditada',
  'La descripción guardada y la nueva versión del expediente',
  z.object({
    expedienteId: z.string(),
    descripcion: z.string(),
    version: z.number().int().nonnegative(),
  }),
);
export type DescripcionEditada = z.infer<typeof descripcionEditada>;

export const faseCambiada = named(
  'FaseCambiada',
  'El cambio de fase hecho',
  z.object({
    expedienteId: z.string(),
    desde: fase,
    hacia: fase,
    motivo: z.string().optional().describe('El motivo dado, si se dio'),
    estado: estadoDeExpediente,
    version: z.number().int().nonnegative(),
  }),
);
export type FaseCambiada = z.infer<typeof faseCambiada>;

export const documentoAdjuntado = named(
  'DocumentoAdjuntado',
  'El documento añadido al expediente',
  z.object({
    expedienteId: z.string(),
    documento: documentoDeExpediente,
    version: z.number().int().nonnegative(),
  }),
);
export type DocumentoAdjuntado = z.infer<typeof documentoAdjuntado>;

/**
 * A change that runs across services (a saga) and did not end while the request waited: the
 * client follows it at `/sagas/{sagaId}`.
 */
export const operacionEnCurso = named(
  'OperacionEnCurso',
  'La operación sigue en curso: consulte /sagas/{sagaId} para saber cómo termina',
  z.object({ sagaId: z.string(), estado: z.literal('running') }),
);

export const operacion = named(
  'Operacion',
  'Cómo va una operación que recorre varios servicios (una saga)',
  z.object({
    sagaId: z.string(),
    tipo: z.string(),
    estado: z.enum(['running', 'compensating', 'completed', 'compensated', 'failed']),
    expedienteId: z.string(),
    fallo: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
    creadaAt: instante,
    actualizadaAt: instante,
  }),
);
export type Operacion = z.infer<typeof operacion>;

/** What a command that runs a saga comes back with: its result, or the saga to follow. */
export type Outcome<TResult> =
  | { readonly status: 'done'; readonly result: TResult }
  | { readonly status: 'accepted'; readonly sagaId: string };

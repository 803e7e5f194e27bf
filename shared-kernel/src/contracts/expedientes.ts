import { z } from 'zod';
import { defineMessage } from '../messaging/message-registry';
import {
  documentoSchema,
  expedienteId,
  faseSchema,
  motivoDeTransicion,
  opcionInicialSchema,
  vencimientoSchema,
} from './common';

/** The published language of the expedientes context: its integration events. */
const codigo = z.string().min(1);
/**
 * The expediente's version once the event is applied (0 for the first), as its detail shows
 * it: what tells a reader whether the read model has caught up. Absent in events published
 * before it was added.
 */
const version = z.number().int().nonnegative().optional();

export const ExpedienteSolicitado = defineMessage(
  'expedientes.expediente.solicitado',
  'event',
  z.object({
    expedienteId,
    version,
    codigo,
    opcionInicial: opcionInicialSchema,
    descripcion: z.string(),
    documentIds: z.array(z.string().min(1)),
  }),
);
export const ExpedienteAbierto = defineMessage(
  'expedientes.expediente.abierto',
  'event',
  z.object({
    expedienteId,
    version,
    codigo,
    opcionInicial: opcionInicialSchema,
    descripcion: z.string(),
    fase: faseSchema,
    documentos: z.array(documentoSchema),
  }),
);
export const CreacionRechazada = defineMessage(
  'expedientes.expediente.creacion-rechazada',
  'event',
  z.object({ expedienteId, version, codigo, motivo: z.string().min(1) }),
);
export const DescripcionEditada = defineMessage(
  'expedientes.expediente.descripcion-editada',
  'event',
  z.object({ expedienteId, version, descripcion: z.string() }),
);
export const FaseDeExpedienteCambiada = defineMessage(
  'expedientes.expediente.fase-cambiada',
  'event',
  z.object({
    expedienteId,
    version,
    desde: faseSchema,
    hacia: faseSchema,
    motivo: motivoDeTransicion.optional(),
  }),
);
export const DocumentoAdjuntado = defineMessage(
  'expedientes.expediente.documento-adjuntado',
  'event',
  z.object({ expedienteId, version, documento: documentoSchema }),
);
/** A user's comment, with the users it mentions (their usernames), who should read it. */
export const ComentarioAnadido = defineMessage(
  'expedientes.expediente.comentario-anadido',
  'event',
  z.object({
    expedienteId,
    version,
    texto: z.string().min(1),
    menciones: z.array(z.string().min(1)),
  }),
);

/** Who has the expediente to work on now (a username); null: nobody. */
export const AsignacionCambiada = defineMessage(
  'expedientes.expediente.asignacion-cambiada',
  'event',
  z.object({ expedienteId, version, asignadoA: z.string().min(1).nullable() }),
);

/** bpm counted again the plazo of the phase the expediente is in: its last day (null: none). */
export const PlazoRecalculado = defineMessage(
  'expedientes.expediente.plazo-recalculado',
  'event',
  z.object({ expedienteId, version, vencimiento: vencimientoSchema }),
);

export const expedientesContracts = [
  ExpedienteSolicitado,
  ExpedienteAbierto,
  CreacionRechazada,
  DescripcionEditada,
  FaseDeExpedienteCambiada,
  DocumentoAdjuntado,
  ComentarioAnadido,
  AsignacionCambiada,
  PlazoRecalculado,
];

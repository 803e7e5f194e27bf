import { z } from 'zod';
import { defineMessage } from '../messaging/message-registry';
import { documentoSchema, expedienteId, faseSchema, opcionInicialSchema } from './common';

/** The published language of the expedientes context: its integration events. */
const codigo = z.string().min(1);

export const ExpedienteSolicitado = defineMessage(
  'expedientes.expediente.solicitado',
  'event',
  z.object({
    expedienteId,
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
  z.object({ expedienteId, codigo, motivo: z.string().min(1) }),
);
export const DescripcionEditada = defineMessage(
  'expedientes.expediente.descripcion-editada',
  'event',
  z.object({ expedienteId, descripcion: z.string() }),
);
export const FaseDeExpedienteCambiada = defineMessage(
  'expedientes.expediente.fase-cambiada',
  'event',
  z.object({ expedienteId, desde: faseSchema, hacia: faseSchema }),
);
export const DocumentoAdjuntado = defineMessage(
  'expedientes.expediente.documento-adjuntado',
  'event',
  z.object({ expedienteId, documento: documentoSchema }),
);

export const expedientesContracts = [
  ExpedienteSolicitado,
  ExpedienteAbierto,
  CreacionRechazada,
  DescripcionEditada,
  FaseDeExpedienteCambiada,
  DocumentoAdjuntado,
];

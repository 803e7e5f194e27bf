import { z } from 'zod';

/** How an expediente came in: through the electronic office or asked for by a department. */
export const opcionInicialSchema = z.enum(['SEDE_ELECTRONICA', 'PETICION_DEPARTAMENTO']);
export type OpcionInicial = z.infer<typeof opcionInicialSchema>;

/** A phase of a procedure, as the procedure definition names it. */
export const faseSchema = z.object({
  codigo: z.string().min(1),
  nombre: z.string().min(1),
  final: z.boolean(),
});
export type Fase = z.infer<typeof faseSchema>;

/**
 * The last day of the plazo of the phase a process entered (YYYY-MM-DD, see `plazos`); null
 * when the phase has none. Absent from messages of before bpm kept plazos.
 */
export const vencimientoSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, YYYY-MM-DD')
  .nullable();

/** The longest reason a user may give for a phase change. */
export const MOTIVO_MAX = 2_000;
/** Why a user changed an expediente's phase: their words, never empty. */
export const motivoDeTransicion = z.string().trim().min(1).max(MOTIVO_MAX);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex');
const instant = z.iso.datetime({ offset: true });

/** One version of a document, as the other contexts need to know it. */
export const documentoSchema = z.object({
  documentId: z.string().min(1),
  nombre: z.string().min(1),
  mediaType: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: sha256Hex,
  version: z.number().int().positive(),
  subidoAt: instant,
  subidoPor: z.string().min(1),
});
export type Documento = z.infer<typeof documentoSchema>;

export const expedienteId = z.string().min(1);
export { instant };

import { z } from 'zod';
import { fase, faseResumida } from '../model/common';

/** What the gateway reads of bpm's view of a process. */
export const proceso = z.object({
  expedienteId: z.string(),
  faseActual: fase,
  transicionesDisponibles: z.array(fase),
  // bpm from before procedures asked for reasons answers without it.
  conMotivo: z.array(z.string()).default([]),
});

/** The phases where work waits for the caller's roles. */
export const fasesConTareas = z.object({ fases: z.array(faseResumida) });

import { z } from 'zod';
import { defineMessage } from '../messaging/message-registry';
import { sagaCommandPayload, sagaFailureReplyPayload, sagaReplyPayload } from '../saga/protocol';
import { expedienteId, faseSchema, motivoDeTransicion, vencimientoSchema } from './common';

/** The published language of the bpm (phase tracking) context. */
const procedimiento = z.string().min(1);
/**
 * Which transition of its process this is: 1 for the first, one more for each next. Lets a
 * follower tell a late or repeated transition from a new one, phases being able to repeat.
 * Optional: messages stored before it was added have none.
 */
const paso = z.number().int().positive().optional();
/**
 * Why the user made a transition, in their words: required by the procedure for some (a
 * rejection), kept with the transition wherever it goes. Absent where none was given.
 */
const motivo = motivoDeTransicion.optional();

// Commands (topic bpm.commands). The user's roles travel in the envelope's actor.
export const StartProcess = defineMessage(
  'bpm.StartProcess',
  'command',
  sagaCommandPayload.extend({ expedienteId, procedimiento }),
);
export const CancelProcess = defineMessage(
  'bpm.CancelProcess',
  'command',
  sagaCommandPayload.extend({ expedienteId }),
);
export const RequestTransition = defineMessage(
  'bpm.RequestTransition',
  'command',
  sagaCommandPayload.extend({ expedienteId, hacia: z.string().min(1), motivo }),
);

/** Where a process started: what bpm's reply to the saga and its event both say. */
const inicio = {
  expedienteId,
  procedimiento,
  version: z.number().int().positive(),
  fase: faseSchema,
  vencimiento: vencimientoSchema.optional(),
};
/** A transition a process took: what bpm's reply to the saga and its event both say. */
const transicion = {
  expedienteId,
  desde: faseSchema,
  hacia: faseSchema,
  paso,
  motivo,
  vencimiento: vencimientoSchema.optional(),
};

// Replies (topic bpm.replies).
export const ProcessStarted = defineMessage(
  'bpm.ProcessStarted',
  'reply',
  sagaReplyPayload.extend(inicio),
);
export const ProcessStartFailed = defineMessage(
  'bpm.ProcessStartFailed',
  'reply',
  sagaFailureReplyPayload.extend({ code: z.string().min(1) }),
);
export const ProcessCancelled = defineMessage(
  'bpm.ProcessCancelled',
  'reply',
  sagaReplyPayload.extend({ expedienteId }),
);
export const TransitionRecorded = defineMessage(
  'bpm.TransitionRecorded',
  'reply',
  sagaReplyPayload.extend(transicion),
);
export const TransitionRefused = defineMessage(
  'bpm.TransitionRefused',
  'reply',
  sagaFailureReplyPayload.extend({ code: z.string().min(1) }),
);

// Integration events (topic bpm.events).
export const ProcesoIniciado = defineMessage('bpm.proceso.iniciado', 'event', z.object(inicio));
export const FaseCambiada = defineMessage('bpm.fase.cambiada', 'event', z.object(transicion));
export const ProcesoCancelado = defineMessage(
  'bpm.proceso.cancelado',
  'event',
  z.object({ expedienteId }),
);
/**
 * The plazo of the phase a process is in was counted again (the working calendar changed):
 * `paso` is the transition that entered the phase (0: the initial phase).
 */
export const PlazoRecalculado = defineMessage(
  'bpm.plazo.recalculado',
  'event',
  z.object({
    expedienteId,
    fase: z.string().min(1),
    paso: z.number().int().nonnegative(),
    vencimiento: vencimientoSchema,
  }),
);

export const bpmContracts = [
  StartProcess,
  CancelProcess,
  RequestTransition,
  ProcessStarted,
  ProcessStartFailed,
  ProcessCancelled,
  TransitionRecorded,
  TransitionRefused,
  ProcesoIniciado,
  FaseCambiada,
  ProcesoCancelado,
  PlazoRecalculado,
];

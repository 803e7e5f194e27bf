/**
 * A saga's failure reason is text. Every refusal it can meet is written `<CODE>: <message>`
 * (the orchestrator writes a local DomainError so; the reply handlers here write the
 * participants' refusals so), which lets the code reach the user with the message.
 */
export interface SagaFailure {
  /** `DOCUMENTS.NOT_FOUND`, `BPM.TRANSITION_NOT_ALLOWED`...; null when no code came with it. */
  readonly code: string | null;
  readonly message: string;
}

/** The failure reason of a participant's refusal that names its code. */
export const reasonOf = (refusal: { code: string; reason: string }): string =>
  `${refusal.code}: ${refusal.reason}`;

export const SIN_RESPUESTA = 'EXPEDIENTE.SIN_RESPUESTA';

const coded = /^([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)+): ([\s\S]+)$/;
/** What the orchestrator writes when a step's deadline passes. */
const timedOut = /^no reply to ([\w-]+)\.\w+ by /;

export function failureOf(reason: string | null): SagaFailure {
  const text = reason ?? 'motivo desconocido';
  const withCode = coded.exec(text);
  if (withCode) return { code: withCode[1], message: withCode[2] };
  const timeout = timedOut.exec(text);
  if (timeout) {
    return {
      code: SIN_RESPUESTA,
      // What it was asked may still be done later (bpm follows its commands to the end, and
      // expedientes its events): the user looks before asking again.
      message: `El servicio ${timeout[1]} no respondió a tiempo: compruebe el expediente antes de volver a intentarlo`,
    };
  }
  return { code: null, message: text };
}

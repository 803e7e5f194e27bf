/**
 * What kind of rule a domain error breaks. The gateway maps each kind to one HTTP status,
 * once, so handlers never speak HTTP.
 */
export type DomainErrorKind =
  | 'invalid' // the input breaks a rule of the model (400)
  | 'unauthenticated' // no valid identity came with the request (401)
  | 'not_found' // the thing asked for does not exist (404)
  | 'conflict' // the state changed or the thing exists already (409)
  | 'too_large' // the content is over its size limit (413)
  | 'forbidden' // the actor may not do this (403)
  | 'rule'; // the request is well formed but the model refuses it now (422)

/**
 * An expected failure of the model, identified by a stable code (`EXPEDIENTE.CODE_TAKEN`)
 * that clients and translations can rely on.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, kind: this.kind, message: this.message, details: this.details };
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

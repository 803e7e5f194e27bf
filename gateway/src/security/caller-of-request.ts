import { UnauthenticatedError } from '@expedientes/shared-kernel';
import { Response } from 'express';
import { Caller } from '../ports/caller';

/**
 * What the authentication step left on the response's locals: the caller it established, or
 * the error that says why there is none. Authentication never refuses by itself: each route
 * says whether it needs a caller, and rate limiting can key on whoever is known.
 */
interface Authentication {
  readonly caller?: Caller;
  readonly refusal?: Error;
}

export function rememberAuthentication(res: Response, authentication: Authentication): void {
  res.locals.authentication = authentication;
}

export const callerOf = (res: Response): Caller | undefined =>
  (res.locals.authentication as Authentication | undefined)?.caller;

/** A 401 that says why, with the `WWW-Authenticate` challenge it carries. */
export class CallerUnauthenticatedError extends UnauthenticatedError {
  constructor(
    reason: string,
    readonly challenge: string,
  ) {
    super(reason);
  }
}

/** The authenticated caller, or the error that says why there is none (401, or 503). */
export function requireCaller(res: Response): Caller {
  const authentication = res.locals.authentication as Authentication | undefined;
  if (authentication?.caller) return authentication.caller;
  throw (
    authentication?.refusal ??
    new CallerUnauthenticatedError(
      'Hace falta identificarse (cabecera Authorization: Bearer)',
      'Bearer realm="expedientes"',
    )
  );
}

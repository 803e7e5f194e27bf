import { describeError, IdentityVerifier, UnauthenticatedError } from '@expedientes/shared-kernel';
import {
  problem,
  RequestContext,
  requestContext,
} from '@expedientes/shared-kernel/adapters/runtime';
import { RequestHandler } from 'express';
import { Authenticator, Strategy } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ProblemError } from '../problem-error';
import { AccountAccess } from '../ports/account-access';
import { Caller } from '../ports/caller';
import { CallerUnauthenticatedError, rememberAuthentication } from './caller-of-request';

const REALM = 'expedientes';

/** The issuer's keys could not be had: nobody can be authenticated now, through no fault of theirs. */
export class IdentityUnavailableError extends ProblemError {
  constructor(cause: unknown) {
    super(
      problem(503, 'No se puede comprobar la identidad ahora; inténtelo más tarde', {
        title: 'Service Unavailable',
        code: 'AUTH.UNAVAILABLE',
      }),
      { 'retry-after': '5' },
    );
    this.cause = describeError(cause);
  }
}

/**
 * API clients' bearer JWTs, checked against the issuer's published keys (signature, issuer,
 * audience, expiry) by the kernel's verifier. The caller is the token's actor, and the token
 * itself goes on to the services, which check it again.
 */
export function bearerStrategy(verifier: IdentityVerifier): Strategy {
  type Done = (error: unknown, user?: Caller | false, info?: { message: string }) => void;
  return new BearerStrategy({ realm: REALM }, (token: string, done: Done) => {
    verifier.verify(token).then(
      (actor) => done(null, { actor, token } satisfies Caller),
      (error: unknown) =>
        error instanceof UnauthenticatedError
          ? done(null, false, { message: error.message })
          : done(new IdentityUnavailableError(error)),
    );
  });
}

/**
 * The authentication step, through passport: the strategies are tried in order and the first
 * to establish a caller wins. Each yields a `Caller`, its actor and the bearer token to
 * forward: the bearer strategy first, then the browser session's (tokens kept server-side),
 * so a request with a bearer token needs no CSRF token. A disabled user's caller, where
 * `access` tells, is no caller. Nobody is refused here; see `requireCaller`.
 */
export function authenticateCaller(
  strategies: ReadonlyArray<readonly [string, Strategy]>,
  access?: AccountAccess,
): RequestHandler {
  const authenticator = new Authenticator();
  for (const [name, strategy] of strategies) authenticator.use(name, strategy);
  const names = strategies.map(([name]) => name);
  return (req, res, next) => {
    const authenticate = authenticator.authenticate(
      names,
      { session: false },
      (error: unknown, user: Caller | false, challenges: unknown) => {
        if (error) {
          rememberAuthentication(res, {
            refusal: error instanceof ProblemError ? error : new IdentityUnavailableError(error),
          });
        } else if (user && access?.isDisabled(user.actor.userId)) {
          rememberAuthentication(res, { refusal: disabledAccount() });
        } else if (user) {
          rememberAuthentication(res, { caller: user });
          const context = requestContext(res);
          res.locals.context = {
            ...context,
            actor: user.actor,
            logger: context.logger.child({ userId: user.actor.userId }),
          } satisfies RequestContext;
        } else {
          rememberAuthentication(res, { refusal: refusalOf(challenges) });
        }
        next();
      },
    ) as RequestHandler;
    authenticate(req, res, next);
  };
}

export const DISABLED_ACCOUNT = 'La cuenta de este usuario está deshabilitada';

function disabledAccount(): CallerUnauthenticatedError {
  return new CallerUnauthenticatedError(
    DISABLED_ACCOUNT,
    `Bearer realm="${REALM}", error="invalid_token", error_description="${DISABLED_ACCOUNT}"`,
  );
}

/** The 401 of the strategies' challenges (`Bearer realm=..., error="invalid_token", ...`). */
function refusalOf(challenges: unknown): CallerUnauthenticatedError {
  const all = (Array.isArray(challenges) ? challenges : [challenges]).filter(
    (challenge): challenge is string => typeof challenge === 'string',
  );
  const challenge = all.find((each) => each.includes('error=')) ?? all[0];
  const description = /error_description="([^"]*)"/.exec(challenge ?? '')?.[1];
  return new CallerUnauthenticatedError(
    description ?? 'Hace falta identificarse (cabecera Authorization: Bearer)',
    challenge ?? `Bearer realm="${REALM}"`,
  );
}

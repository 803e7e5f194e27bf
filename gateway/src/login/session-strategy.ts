import { IdentityVerifier, UnauthenticatedError } from '@expedientes/shared-kernel';
import { Request } from 'express';
import passport from 'passport';
import { Caller } from '../ports/caller';
import { IdentityUnavailableError } from '../security/authentication';
import { changesState, csrfTokenMatches, CsrfTokenRefusedError } from './csrf';
import { OpenIdClient, TokenRequestRefusedError, TokenSet } from './openid-client';
import { CSRF_HEADER, SessionLogin } from './session-data';

/** The provider will not refresh the session's tokens: logged out, disabled, or too old. */
export class SessionEndedError extends Error {
  constructor(reason: string) {
    super(`the browser session has ended: ${reason}`);
    this.name = 'SessionEndedError';
  }
}

/** An access token is replaced when a third of its life is left, and at most a minute before. */
const aboutToExpire = (tokens: TokenSet, now: number): boolean =>
  tokens.expiresAt - now <= Math.min(60_000, tokens.lifetimeMs / 3);

/** How long the result of a refresh is kept for the requests that still hold the old token. */
const KEEP_REFRESH_MS = 30_000;

/**
 * Keeps a browser session's access token fresh with its refresh token. The provider rotates
 * refresh tokens and revokes the whole grant when one is used twice, so the requests of a
 * session that find the same old token share one refresh and its result, even those that
 * arrive a little after it (their session was read before it was saved).
 */
export class SessionRefresher {
  private readonly refreshes = new Map<string, Promise<SessionLogin>>();

  constructor(
    private readonly client: () => Promise<Pick<OpenIdClient, 'refresh'>>,
    private readonly identity: IdentityVerifier,
    private readonly now: () => number = Date.now,
  ) {}

  /** The login with an access token good for a while yet; throws SessionEndedError. */
  current(login: SessionLogin): Promise<SessionLogin> {
    if (!aboutToExpire(login.tokens, this.now())) return Promise.resolve(login);
    const spent = login.tokens.refreshToken;
    if (!spent) return Promise.reject(new SessionEndedError('no refresh token'));
    let refreshed = this.refreshes.get(spent);
    if (!refreshed) {
      refreshed = this.refresh(login);
      this.refreshes.set(spent, refreshed);
      const forget = () => {
        setTimeout(() => this.refreshes.delete(spent), KEEP_REFRESH_MS).unref();
      };
      refreshed.then(forget, forget);
    }
    return refreshed;
  }

  private async refresh(login: SessionLogin): Promise<SessionLogin> {
    try {
      const tokens = await (await this.client()).refresh(login.tokens);
      // The roles as they are now: they may have changed since the sign-in.
      return { ...login, actor: await this.identity.verify(tokens.accessToken), tokens };
    } catch (error) {
      if (error instanceof TokenRequestRefusedError || error instanceof UnauthenticatedError) {
        throw new SessionEndedError(error.message);
      }
      throw error;
    }
  }
}

/**
 * The caller of a request that carries the browser session cookie: the signed-in user, with
 * the access token kept for them on the server (refreshed when about to expire) to forward.
 * A state-changing request must carry the session's CSRF token in `x-csrf-token`, or it is
 * refused with 403: a cookie is sent by the browser whoever made the page.
 */
export class BrowserSessionStrategy extends passport.Strategy {
  override readonly name = 'session';

  constructor(private readonly refresher: SessionRefresher) {
    super();
  }

  override authenticate(req: Request): void {
    const login = req.session?.login;
    if (!login) {
      this.fail();
      return;
    }
    if (changesState(req.method) && !csrfTokenMatches(login.csrfToken, req.get(CSRF_HEADER))) {
      this.error(new CsrfTokenRefusedError());
      return;
    }
    this.refresher.current(login).then(
      (current) => {
        req.session.login = current;
        this.success({
          actor: current.actor,
          token: current.tokens.accessToken,
          name: current.name,
          csrfToken: current.csrfToken,
        } satisfies Caller);
      },
      (error: unknown) => {
        if (error instanceof SessionEndedError) {
          delete req.session.login;
          this.fail();
        } else {
          this.error(new IdentityUnavailableError(error));
        }
      },
    );
  }
}

import { IdentityVerifier, UnauthenticatedError } from '@expedientes/shared-kernel';
import { Request } from 'express';
import passport from 'passport';
import { Caller } from '../ports/caller';
import { RefreshClaims } from '../ports/refresh-claims';
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

/** How long a request waits for the refresh another gateway instance claimed, by default. */
const WAIT_FOR_REFRESH_MS = 10_000;
const FIRST_LOOK_AFTER_MS = 25;
const LONGEST_PAUSE_MS = 500;

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Another gateway instance claimed the session's refresh token and has not saved what it got
 * yet: this request goes unauthenticated, the session is kept for the next one.
 */
export class RefreshPendingError extends Error {
  constructor() {
    super('another gateway instance is refreshing the browser session');
    this.name = 'RefreshPendingError';
  }
}

/** The session's login as its store holds it now, which another gateway may have refreshed. */
export type StoredLogin = () => Promise<SessionLogin | undefined>;

export interface SessionRefresherOptions {
  readonly now?: () => number;
  /** How long to wait for another instance's refresh before giving the request up. */
  readonly waitForRefreshMs?: number;
}

/**
 * Keeps a browser session's access token fresh with its refresh token. The provider rotates
 * refresh tokens and revokes the whole grant when one is used twice, so a refresh token is
 * spent once: the requests of a session in this process that find the same old token share
 * one refresh and its result, even those that arrive a little after it (their session was read
 * before it was saved); across gateway instances, the one that claims the token first
 * refreshes, and the others wait until the session store holds what it got. Should the
 * provider still call the token spent, newer tokens in the session store are taken.
 */
export class SessionRefresher {
  private readonly refreshes = new Map<string, Promise<SessionLogin>>();
  private readonly now: () => number;
  private readonly waitForRefreshMs: number;

  constructor(
    private readonly client: () => Promise<Pick<OpenIdClient, 'refresh'>>,
    private readonly identity: IdentityVerifier,
    private readonly claims: RefreshClaims,
    options: SessionRefresherOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.waitForRefreshMs = options.waitForRefreshMs ?? WAIT_FOR_REFRESH_MS;
  }

  /** The login with an access token good for a while yet; throws SessionEndedError. */
  current(login: SessionLogin, stored: StoredLogin): Promise<SessionLogin> {
    if (!aboutToExpire(login.tokens, this.now())) return Promise.resolve(login);
    const spent = login.tokens.refreshToken;
    if (!spent) return Promise.reject(new SessionEndedError('no refresh token'));
    let refreshed = this.refreshes.get(spent);
    if (!refreshed) {
      refreshed = this.claimAndRefresh(login, spent, stored);
      this.refreshes.set(spent, refreshed);
      const forget = () => {
        setTimeout(() => this.refreshes.delete(spent), KEEP_REFRESH_MS).unref();
      };
      refreshed.then(forget, forget);
    }
    return refreshed;
  }

  private async claimAndRefresh(
    login: SessionLogin,
    spent: string,
    stored: StoredLogin,
  ): Promise<SessionLogin> {
    if (!(await this.claims.claim(spent))) return this.refreshedElsewhere(spent, stored);
    let tokens: TokenSet;
    try {
      tokens = await (await this.client()).refresh(login.tokens);
    } catch (error) {
      if (!(error instanceof TokenRequestRefusedError)) {
        // No answer from the provider: the token is most likely unspent, a later try may use it.
        await this.claims.release(spent);
        throw error;
      }
      if (error.error === 'invalid_grant') {
        const newer = await stored();
        if (newer?.tokens.refreshToken && newer.tokens.refreshToken !== spent) return newer;
      }
      throw new SessionEndedError(error.message);
    }
    try {
      // The roles as they are now: they may have changed since the sign-in.
      return { ...login, actor: await this.identity.verify(tokens.accessToken), tokens };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw new SessionEndedError(error.message);
      throw error;
    }
  }

  /** Looks in the session store, ever less often, for the tokens another instance got. */
  private async refreshedElsewhere(spent: string, stored: StoredLogin): Promise<SessionLogin> {
    let waited = 0;
    for (let next = FIRST_LOOK_AFTER_MS; ; next = Math.min(2 * next, LONGEST_PAUSE_MS)) {
      const newer = await stored();
      if (!newer) throw new SessionEndedError('signed out while being refreshed');
      if (newer.tokens.refreshToken !== spent) return newer;
      if (waited >= this.waitForRefreshMs) throw new RefreshPendingError();
      await pause(next);
      waited += next;
    }
  }
}

/** What the session store holds for the request's session now. */
function storedLogin(req: Request): Promise<SessionLogin | undefined> {
  return new Promise((done, fail) => {
    req.sessionStore.get(req.sessionID, (error: unknown, data) => {
      if (error) fail(error);
      else done(data?.login ?? undefined);
    });
  });
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
    this.refresher
      .current(login, () => storedLogin(req))
      .then(
        (current) => {
          const caller: Caller = {
            actor: current.actor,
            token: current.tokens.accessToken,
            name: current.name,
            csrfToken: current.csrfToken,
          };
          if (current === login) {
            this.success(caller);
            return;
          }
          req.session.login = current;
          // Now, not when the response is sent: other replicas look here when they find the
          // old refresh token spent. Saved again at the end if this fails.
          req.session.save(() => this.success(caller));
        },
        (error: unknown) => {
          if (error instanceof SessionEndedError) {
            delete req.session.login;
            this.fail();
          } else if (error instanceof RefreshPendingError) {
            // Not signed out: the session's next request finds the other instance's tokens.
            this.fail();
          } else {
            this.error(new IdentityUnavailableError(error));
          }
        },
      );
  }
}

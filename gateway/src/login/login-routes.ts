import { handle } from '@expedientes/shared-kernel/adapters/runtime';
import express, { CookieOptions, Request } from 'express';
import { AuthenticateOptions, Authenticator } from 'passport';
import { csrfTokenMatches, CsrfTokenRefusedError } from './csrf';
import { LoginFailedError } from './login-flow';
import { OpenIdClient } from './openid-client';
import { OpenIdLoginOptions, OpenIdLoginStrategy } from './openid-login-strategy';
import { CSRF_HEADER, SESSION_COOKIE, SessionLogin } from './session-data';

/** The gateway's registration at the authorization server. */
export const GATEWAY_CLIENT_ID = 'gateway';

/** Where the provider sends the browser back: after signing in, and after logging out. */
export const gatewayClientUris = (publicUrl: string) => ({
  redirectUri: `${publicUrl}/login/callback`,
  postLogoutRedirectUri: `${publicUrl}/`,
});

export interface LoginRoutesOptions {
  readonly strategy: OpenIdLoginStrategy;
  readonly client: () => Promise<OpenIdClient>;
  /** The session cookie's attributes, to clear it with the same ones. */
  readonly cookie: CookieOptions;
}

/** The strategy's options for each leg; no passport session (the login is kept by hand). */
const leg = (name: OpenIdLoginOptions['leg']): AuthenticateOptions & OpenIdLoginOptions => ({
  session: false,
  leg: name,
});

const promised = (work: (done: (error?: unknown) => void) => void): Promise<void> =>
  new Promise((resolve, reject) => work((error) => (error ? reject(error) : resolve())));

/** A new session id for the signed-in session, so no id known before the sign-in works after. */
async function signIn(req: Request, login: SessionLogin): Promise<void> {
  await promised((done) => req.session.regenerate(done));
  req.session.login = login;
  await promised((done) => req.session.save(done));
}

/**
 * The browser's way in and out, the gateway acting as backend-for-frontend:
 * - GET /login[?returnTo=/path]: to the authorization server's login page (code flow, PKCE);
 * - GET /login/callback: its answer; the session now holds the tokens, the browser only the
 *   session cookie, and goes back to `returnTo`;
 * - POST /logout (with the CSRF token, in `x-csrf-token` or a `csrf` form field): ends the
 *   session here, then sends the browser to the provider's end-session endpoint to end it there.
 */
export function loginRoutes(options: LoginRoutesOptions): express.Router {
  const authenticator = new Authenticator();
  authenticator.use(options.strategy);
  const router = express.Router();

  router.get('/login', authenticator.authenticate('openid', leg('begin')));

  router.get('/login/callback', (req, res, next) => {
    const finish = (error: unknown, login: SessionLogin | false, info?: { returnTo: string }) => {
      if (error || !login) {
        next(error ?? new LoginFailedError('No se pudo iniciar la sesión: vuelva a /login'));
        return;
      }
      signIn(req, login).then(() => res.redirect(303, info?.returnTo ?? '/'), next);
    };
    authenticator.authenticate('openid', leg('callback'), finish)(req, res, next);
  });

  router.post(
    '/logout',
    express.urlencoded({ extended: false, limit: '4kb' }),
    handle(async (req, res) => {
      const login = req.session.login;
      const given = req.get(CSRF_HEADER) ?? (req.body as { csrf?: unknown } | undefined)?.csrf;
      if (login && !csrfTokenMatches(login.csrfToken, given)) throw new CsrfTokenRefusedError();
      await promised((done) => req.session.destroy(done));
      res.clearCookie(SESSION_COOKIE, options.cookie);
      const client = await options.client();
      res.redirect(303, client.endSessionUrl(login?.tokens.idToken));
    }),
  );
  return router;
}

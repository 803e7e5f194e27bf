import { Request } from 'express';
import passport from 'passport';
import { LoginFlow } from './login-flow';

const PENDING_LOGIN_MS = 30 * 60 * 1000;

/** The two legs of a sign-in: to the provider's login page, and back with its answer. */
export interface OpenIdLoginOptions {
  readonly leg: 'begin' | 'callback';
}

/**
 * Signing in through the authorization server, as a passport strategy: `begin` sends the
 * browser to the provider's login page (what checks its answer is kept in the session);
 * `callback` turns the answer (`code` and `state`, or `error`) into the signed-in login.
 */
export class OpenIdLoginStrategy extends passport.Strategy {
  override readonly name = 'openid';

  constructor(private readonly flow: LoginFlow) {
    super();
  }

  override authenticate(req: Request, options: OpenIdLoginOptions): void {
    if (options.leg === 'callback') {
      const pending = req.session.pendingLogin;
      delete req.session.pendingLogin; // one answer per sign-in, whatever it says
      this.flow.finish(pending, req.query).then(
        (login) => this.success(login, { returnTo: pending?.returnTo ?? '/' }),
        (error: unknown) => this.error(error),
      );
      return;
    }
    this.flow.begin(req.query.returnTo).then(
      ({ pending, url }) => {
        req.session.pendingLogin = pending;
        // Until signed in, the session lives as long as the provider's login page does.
        req.session.cookie.maxAge = PENDING_LOGIN_MS;
        this.redirect(url);
      },
      (error: unknown) => this.error(error),
    );
  }
}

import { describeError, IdentityVerifier, Logger } from '@expedientes/shared-kernel';
import { ReadinessCheck } from '@expedientes/shared-kernel/adapters/runtime';
import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import express, { CookieOptions, RequestHandler } from 'express';
import session from 'express-session';
import { Strategy } from 'passport';
import { gatewayMigrations } from '../adapters/sql/gateway-migrations';
import { SqlRefreshClaims } from '../adapters/sql/sql-refresh-claims';
import { SqlSessionStore } from '../adapters/sql/sql-session-store';
import { LoginFlow } from './login-flow';
import { GATEWAY_CLIENT_ID, gatewayClientUris, loginRoutes } from './login-routes';
import { OpenIdClient, ProviderAddress } from './openid-client';
import { OpenIdLoginStrategy } from './openid-login-strategy';
import { SESSION_COOKIE } from './session-data';
import { BrowserSessionStrategy, SessionRefresher } from './session-strategy';

export interface BrowserLoginOptions {
  /** Where browsers reach the platform: the callback and the cookie are its. */
  readonly publicUrl: string;
  readonly provider: ProviderAddress;
  /** The gateway's client secret at the provider (its client id is `gateway`). */
  readonly clientSecret: string;
  /** Checks the access tokens, as for bearer callers: they name the user and the roles. */
  readonly identity: IdentityVerifier;
  /** Signs the session cookie. */
  readonly sessionSecret: string;
  /** Where the sessions are kept; opened and closed by the caller. */
  readonly database: SqlDatabase;
  /** How long a session lasts without a request (default 8 hours). */
  readonly sessionIdleSeconds?: number;
  readonly logger: Logger;
}

/** The browser login, as the gateway mounts it. */
export interface BrowserLogin {
  /** The session middleware (express-session): before the login routes and the API. */
  readonly session: RequestHandler;
  /** /login, /login/callback, /logout. */
  readonly routes: express.Router;
  /** The caller of a request with the session cookie: one of the gateway's strategies. */
  readonly strategy: Strategy;
  readonly readiness: readonly ReadinessCheck[];
  stop(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Login for the web UI through the authorization code flow, the gateway acting as
 * backend-for-frontend: the tokens stay in the session, kept server-side in the gateway's
 * database; the browser holds only an httpOnly, SameSite=Lax session cookie (Secure when the
 * public URL is https), and proves its state-changing requests with the session's CSRF token.
 */
export async function createBrowserLogin(options: BrowserLoginOptions): Promise<BrowserLogin> {
  const { database, logger, publicUrl } = options;
  await database.migrate('gateway', gatewayMigrations);
  const store = new SqlSessionStore(database);
  const claims = new SqlRefreshClaims(database);
  const client = OpenIdClient.lazily(options.provider, {
    clientId: GATEWAY_CLIENT_ID,
    clientSecret: options.clientSecret,
    ...gatewayClientUris(publicUrl),
  });
  const cookie: CookieOptions = {
    httpOnly: true,
    sameSite: 'lax',
    secure: new URL(publicUrl).protocol === 'https:',
    path: '/',
  };
  const sessions = session({
    name: SESSION_COOKIE,
    secret: options.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { ...cookie, maxAge: (options.sessionIdleSeconds ?? 8 * 60 * 60) * 1000 },
  });
  const sweeper = setInterval(() => {
    Promise.all([store.sweepExpired(), claims.sweepOld()]).catch((error: unknown) => {
      logger.warn({ error: describeError(error) }, 'could not remove expired sessions or claims');
    });
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  return {
    session: sessions,
    routes: loginRoutes({
      strategy: new OpenIdLoginStrategy(new LoginFlow(client, options.identity)),
      client,
      cookie,
    }),
    strategy: new BrowserSessionStrategy(new SessionRefresher(client, options.identity, claims)),
    readiness: [{ name: 'sessions', check: () => database.ping() }],
    async stop() {
      clearInterval(sweeper);
    },
  };
}

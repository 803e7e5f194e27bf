import { Logger } from '@expedientes/shared-kernel';
import {
  healthRoutes,
  jsonBody,
  problem,
  ReadinessCheck,
  requestContextMiddleware,
  ServiceMetrics,
} from '@expedientes/shared-kernel/adapters/runtime';
import cors from 'cors';
import express, { RequestHandler } from 'express';
import helmet from 'helmet';
import { Strategy } from 'passport';
import { apiDocs } from './api/api-docs';
import { apiRouter } from './api/api-router';
import { problemMiddleware } from './api/error-middleware';
import { idempotentChanges, REPLAYED_HEADER } from './api/idempotency';
import { LiveUpdates } from './api/live-updates';
import { API_BASE_PATH, publicApiRoutes } from './api/public-api';
import { LIVE_UPDATES_PATH } from './api/routes/events-routes';
import { RouteDefinition } from './api/route';

import { BrowserLogin } from './login/browser-login';
import { SESSION_COOKIE } from './login/session-data';
import { Backends } from './ports/backends';
import { ExpedienteChanges } from './ports/expediente-changes';
import { ProblemError } from './problem-error';

import { AdmissionLimits, AdmissionQueue, admitWithin } from './security/admission';
import { IdempotencyRecords } from './ports/idempotency-records';
import { authenticateCaller } from './security/authentication';
import { AccountAccess } from './ports/account-access';
import { rateLimitPerCaller } from './security/rate-limit';
import { forWebUi } from './web-ui/web-ui-paths';

export interface GatewayLimits {
  /** The largest file an upload may carry: documents' DOCUMENT_MAX_BYTES. */
  readonly maxFileBytes: number;
  /** Requests a minute for each user (or each address, before it identifies itself). */
  readonly requestsPerMinute: number;
  /** The largest JSON body. */
  readonly jsonBody?: string;
  /** Live-update streams (GET /api/v1/events) open at once; 1000 by default. */
  readonly liveStreams?: number;
  /** Admission control of the API's reads and changes (see `admitWithin`); none: unbounded. */
  readonly admission?: { readonly reads: AdmissionLimits; readonly changes: AdmissionLimits };
}

export interface GatewayOptions {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly readiness: readonly ReadinessCheck[];
  readonly backends: Backends;
  /** Passport strategies that establish the caller, tried in order (see `authenticateCaller`). */
  readonly strategies: ReadonlyArray<readonly [string, Strategy]>;
  /** Who is disabled now, where the gateway can be told at once (embedded). */
  readonly accountAccess?: AccountAccess;
  /**
   * The browser login (`createBrowserLogin`): its session middleware goes before the API and
   * its routes (/login, /login/callback, /logout) at the root; its strategy is one of
   * `strategies`. Without it, the API takes bearer tokens only.
   */
  readonly browserLogin?: Pick<BrowserLogin, 'session' | 'routes'>;
  readonly limits: GatewayLimits;
  /** Origins whose browser pages may call the API; none: cross-origin calls stay closed. */
  readonly corsOrigins?: readonly string[];
  /** Express's `trust proxy`, behind a proxy that sets X-Forwarded-For. */
  readonly trustProxy?: boolean | number | string;
  /** The changes to expedientes that /api/v1/events streams; without them it answers 503. */
  readonly changes?: ExpedienteChanges;
  /**
   * Serves the web UI: the GETs and HEADs of every address that is not the API's, the login's,
   * health, metrics, /auth or /internal (see `forWebUi`).
   */
  readonly webUi?: RequestHandler;
  /** Where browsers reach the platform: on https, the pages' own http requests are upgraded. */
  readonly publicUrl?: string;
  /** Where the Idempotency-Keys of the API's changes are kept; without it, the header is ignored. */
  readonly idempotency?: IdempotencyRecords;
}

export interface Gateway {
  readonly app: express.Express;
  /** The routes of the public API, as declared (and documented). */
  readonly routes: readonly RouteDefinition[];
  /** The open event streams: `close()` them before the server, which would wait for them. */
  readonly liveUpdates: LiveUpdates;
}

/** Headers a browser page on another origin may read from an answer. */
const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Retry-After',
  'Content-Disposition',
  'RateLimit',
  'RateLimit-Policy',
  'x-correlation-id',
  REPLAYED_HEADER,
];

/**
 * The public face of the platform: the REST API under /api/v1 (with its OpenAPI document and
 * live updates) in front of the services' ports, interactive docs at /api/docs, the browser
 * login and the web UI where they are given, health and metrics; security headers, CORS only
 * where configured, rate limiting, admission control, idempotency keys, body size limits and a
 * correlation id on every request;
 * every error as problem+json.
 */
const carriesSessionCookie = (req: express.Request): boolean =>
  req.headers.cookie?.includes(`${SESSION_COOKIE}=`) ?? false;

export function createGateway(options: GatewayOptions): Gateway {
  const { logger, limits } = options;
  const liveUpdates = new LiveUpdates(options.changes, {
    maxStreams: limits.liveStreams ?? 1_000,
  });
  const routes = publicApiRoutes(options.backends, liveUpdates, limits);
  const app = express();
  app.disable('x-powered-by');
  // ETags here name an expediente's version (If-Match); none made up from a body's hash.
  app.set('etag', false);
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  app.use(requestContextMiddleware(logger, options.metrics));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Over plain http it would send the web UI's scripts to an https nobody serves.
          'upgrade-insecure-requests': options.publicUrl?.startsWith('https:') ? [] : null,
        },
      },
    }),
  );
  if (options.corsOrigins?.length) {
    app.use(
      cors({ origin: [...options.corsOrigins], exposedHeaders: EXPOSED_HEADERS, maxAge: 600 }),
    );
  }
  // Up or down only: each check and the metrics are on the operators' port (OPS_PORT).
  app.use(healthRoutes('gateway', options.readiness));
  app.use('/api/docs', apiDocs('../v1/openapi.json'));
  // Ahead of the session: its files need no session looked up for them.
  if (options.webUi) app.use(forWebUi(options.webUi));
  if (options.browserLogin) {
    const { session, routes } = options.browserLogin;
    app.use(
      // An API call without the session cookie (a client with a token) has no session to look
      // up, nor one to start: only the login routes start one.
      (req, res, next) =>
        req.path.startsWith(`${API_BASE_PATH}/`) && !carriesSessionCookie(req)
          ? next()
          : session(req, res, next),
      routes,
    );
  }
  app.use(
    API_BASE_PATH,
    authenticateCaller(options.strategies, options.accountAccess),
    rateLimitPerCaller(limits.requestsPerMinute, logger),
    ...(limits.admission
      ? [
          admitWithin(
            {
              reads: new AdmissionQueue(limits.admission.reads),
              changes: new AdmissionQueue(limits.admission.changes),
            },
            (path) => path === LIVE_UPDATES_PATH,
          ),
        ]
      : []),
    jsonBody(limits.jsonBody ?? '100kb'),
    ...(options.idempotency ? [idempotentChanges(options.idempotency, logger)] : []),
    apiRouter(routes, { maxFileBytes: limits.maxFileBytes }),
  );
  app.use((_req, _res, next) => {
    next(new ProblemError(problem(404, 'No existe esta dirección', { code: 'API.NOT_FOUND' })));
  });
  app.use(problemMiddleware(logger));
  return { app, routes, liveUpdates };
}

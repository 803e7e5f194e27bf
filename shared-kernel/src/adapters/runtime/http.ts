import { randomUUID } from 'node:crypto';
import express, {
  ErrorRequestHandler,
  NextFunction,
  Request,
  RequestHandler,
  Response,
} from 'express';
import { Actor } from '../../messaging/envelope';
import { IdentityVerifier, UnauthenticatedError } from '../../ports/identity';
import { describeError, Logger } from '../../ports/logger';
import { ServiceMetrics } from './metrics';
import { problemFor } from './problem';

/** Something a service needs to do its work: its store, the bus. Readiness asks each. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** What every request handler can rely on, set by the service's middleware. */
export interface RequestContext {
  readonly correlationId: string;
  readonly logger: Logger;
  /** Present on authenticated routes. */
  readonly actor?: Actor;
}

export const requestContext = (res: Response): RequestContext =>
  res.locals.context as RequestContext;

/** The authenticated actor of a request; only on routes behind `authenticate`. */
export const actorOf = (res: Response): Actor => {
  const { actor } = requestContext(res);
  if (!actor) throw new UnauthenticatedError('Esta operación necesita un usuario identificado');
  return actor;
};

export interface ServiceHttpOptions {
  readonly service: string;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly readiness: readonly ReadinessCheck[];
  readonly identity: IdentityVerifier;
  /** The service's own API, mounted behind authentication. */
  readonly api: express.Router;
  readonly jsonLimit?: string;
}

const correlationHeader = 'x-correlation-id';

/** Wraps an async handler so its rejection reaches the error middleware. */
export const handle =
  (handler: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    handler(req, res).catch(next);
  };

function contextMiddleware(logger: Logger, metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const correlationId =
      req.header(correlationHeader) ?? req.header('x-request-id') ?? randomUUID();
    res.setHeader(correlationHeader, correlationId);
    res.locals.context = {
      correlationId,
      logger: logger.child({ correlationId }),
    } satisfies RequestContext;
    const stopTimer = metrics.httpRequests.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      stopTimer({ route, status: String(res.statusCode) });
    });
    next();
  };
}

function authenticate(identity: IdentityVerifier): RequestHandler {
  return (req, res, next) => {
    const header = req.header('authorization') ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      next(new UnauthenticatedError('Falta el token de acceso (Authorization: Bearer)'));
      return;
    }
    identity
      .verify(token)
      .then((actor) => {
        const context = requestContext(res);
        res.locals.context = {
          ...context,
          actor,
          logger: context.logger.child({ userId: actor.userId }),
        } satisfies RequestContext;
        next();
      })
      .catch(next);
  };
}

const errorMiddleware: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const body = problemFor(error);
  const { logger } = requestContext(res);
  if (body.status >= 500)
    logger.error({ error: describeError(error), stack: (error as Error)?.stack }, 'request failed');
  res.status(body.status).type('application/problem+json').send(body);
};

/**
 * The HTTP face of a service: liveness, readiness and metrics in the open, the service's API
 * behind authentication, every error as problem+json, a correlation id on every request.
 */
export function createServiceHttpApp(options: ServiceHttpOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(contextMiddleware(options.logger, options.metrics));
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'up', service: options.service });
  });
  app.get(
    '/health/ready',
    handle(async (_req, res) => {
      const results = await Promise.all(
        options.readiness.map(async ({ name, check }) => {
          try {
            await check();
            return { name, status: 'up' };
          } catch (error) {
            return { name, status: 'down', error: describeError(error) };
          }
        }),
      );
      const ready = results.every((result) => result.status === 'up');
      res.status(ready ? 200 : 503).json({ status: ready ? 'up' : 'down', checks: results });
    }),
  );
  app.get(
    '/metrics',
    handle(async (_req, res) => {
      res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
    }),
  );
  app.use(express.json({ limit: options.jsonLimit ?? '1mb' }));
  app.use(authenticate(options.identity), options.api);
  app.use((_req: Request, _res: Response, next: NextFunction) => {
    next(Object.assign(new Error('No existe esa ruta'), { status: 404, expose: true }));
  });
  app.use(errorMiddleware);
  return app;
}

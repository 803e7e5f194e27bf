import express, {
  ErrorRequestHandler,
  NextFunction,
  Request,
  RequestHandler,
  Response,
} from 'express';
import { IdentityVerifier, UnauthenticatedError } from '../../ports/identity';
import { describeError, Logger } from '../../ports/logger';
import { healthRoutes } from './health';
import { jsonBody } from './json-body';
import { apiSecurityHeaders } from './security-headers';
import { ServiceMetrics } from './metrics';
import { problemFor } from './problem';
import { ReadinessCheck, RequestContext, requestContext } from './request';
import { requestContextMiddleware } from './request-context';

export interface ServiceHttpOptions {
  readonly service: string;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly readiness: readonly ReadinessCheck[];
  readonly identity: IdentityVerifier;
  /** The service's own API, mounted behind authentication. */
  readonly api: express.Router;
  readonly jsonLimit?: string;
  /**
   * Whether liveness, readiness and metrics answer here (by default they do): not where the
   * app sits behind a public port, whose process serves them to operators elsewhere.
   */
  readonly operations?: boolean;
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
 * The HTTP face of a service: liveness, readiness and metrics in the open (on its internal
 * network; see `operations`), the service's API
 * behind authentication, every error as problem+json, a correlation id on every request.
 */
export function createServiceHttpApp(options: ServiceHttpOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContextMiddleware(options.logger, options.metrics));
  app.use(apiSecurityHeaders());
  if (options.operations !== false) {
    app.use(healthRoutes(options.service, options.readiness, options.metrics));
  }
  app.use(jsonBody(options.jsonLimit ?? '1mb'));
  app.use(authenticate(options.identity), options.api);
  app.use((_req: Request, _res: Response, next: NextFunction) => {
    next(Object.assign(new Error('No existe esa ruta'), { status: 404, expose: true }));
  });
  app.use(errorMiddleware);
  return app;
}

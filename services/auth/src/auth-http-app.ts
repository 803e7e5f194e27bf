import express from 'express';
import { Logger } from '@expedientes/shared-kernel';
import {
  createServiceHttpApp,
  JwtIdentityVerifier,
  ServiceMetrics,
} from '@expedientes/shared-kernel/adapters/runtime';
import { AuthServiceModule } from './auth-service-module';

/**
 * The auth process's HTTP face: the OpenID provider and its login pages at the issuer's path,
 * then, like every service, liveness, readiness, metrics and the user management API behind
 * bearer tokens, which are checked against the provider's own keys (no request to itself).
 */
export function createAuthHttpApp(
  module: AuthServiceModule,
  options: { readonly logger: Logger; readonly metrics: ServiceMetrics },
): express.Express {
  const { authorizationServer } = module;
  const service = createServiceHttpApp({
    service: module.name,
    logger: options.logger,
    metrics: options.metrics,
    readiness: module.readiness,
    identity: new JwtIdentityVerifier({
      issuer: authorizationServer.issuer,
      audience: authorizationServer.audience,
      keys: authorizationServer.publicKeys,
    }),
    api: module.api,
  });
  const app = express();
  app.disable('x-powered-by');
  // First, and before any body parser: the provider reads its requests itself, and lets
  // through every path that is not its own.
  app.use(authorizationServer.mountPath, authorizationServer.handler);
  app.use(service);
  return app;
}

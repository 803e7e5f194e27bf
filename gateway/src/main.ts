import { AddressInfo } from 'node:net';
import {
  createLogger,
  env,
  JwtIdentityVerifier,
  loadConfig,
  runMain,
  ServiceMetrics,
  shutdownOnSignals,
  stopServer,
} from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { httpBackends } from './adapters/http/http-backends';
import { gatewaySettings, gatewayVariables } from './config';
import { createGateway } from './gateway-app';
import { bearerStrategy } from './security/authentication';

const serviceUrl = env.url(['http', 'https']);

const configSchema = z.object({
  PORT: env.port(8080),
  ...gatewayVariables,
  EXPEDIENTES_URL: serviceUrl,
  DOCUMENTS_URL: serviceUrl,
  BPM_URL: serviceUrl,
  SEARCH_URL: serviceUrl,
});

/** The gateway as its own process (distributed mode), in front of the services' processes. */
async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const settings = gatewaySettings(config);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const metrics = new ServiceMetrics('gateway');
  const identity = new JwtIdentityVerifier({
    issuer: settings.auth.issuer,
    audience: settings.auth.audience,
    keys: settings.auth.jwksUrl,
  });
  const { app } = createGateway({
    logger,
    metrics,
    // Ready when it listens: a service that is down answers 503 on its own routes only.
    readiness: [],
    backends: httpBackends(
      {
        expedientes: config.EXPEDIENTES_URL,
        documents: config.DOCUMENTS_URL,
        bpm: config.BPM_URL,
        search: config.SEARCH_URL,
      },
      settings.backendTimeoutMs,
    ),
    strategies: [['bearer', bearerStrategy(identity)]],
    limits: settings.limits,
    corsOrigins: settings.corsOrigins,
    trustProxy: settings.trustProxy,
  });
  const server = app.listen(config.PORT);
  await new Promise<void>((done, fail) => server.once('listening', done).once('error', fail));
  logger.info({ port: (server.address() as AddressInfo).port }, 'gateway listening');
  shutdownOnSignals(logger, [stopServer(server)]);
}

runMain('gateway', main);

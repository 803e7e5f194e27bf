import { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  createLogger,
  createServiceHttpApp,
  env,
  JwtIdentityVerifier,
  loadConfig,
  runMain,
  ServiceMetrics,
  shutdownOnSignals,
  stopServer,
} from '@expedientes/shared-kernel/adapters/runtime';
import { startEmbeddedPlatform } from './embedded-platform';

const configSchema = z.object({
  PORT: env.port(8080),
  DATA_DIR: z.string().min(1).default('data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  // Until the authorization server joins this process (issue 4), tokens come from outside.
  AUTH_ISSUER: z.string().min(1),
  AUTH_AUDIENCE: z.string().min(1),
  AUTH_JWKS_URL: env.url(['http', 'https']),
});

/** The whole platform in one process: SQLite files and document content under DATA_DIR. */
async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger('expedientes-platform', config.LOG_LEVEL);
  const metrics = new ServiceMetrics('expedientes-platform');
  const dataDir = resolve(config.DATA_DIR);
  const platform = await startEmbeddedPlatform({ dataDir, logger, metrics });
  const app = createServiceHttpApp({
    service: 'expedientes-platform',
    logger,
    metrics,
    readiness: platform.readiness,
    identity: new JwtIdentityVerifier({
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      keys: new URL(config.AUTH_JWKS_URL),
    }),
    api: platform.api,
  });
  const server = app.listen(config.PORT);
  await new Promise<void>((done, fail) => server.once('listening', done).once('error', fail));
  logger.info(
    { port: (server.address() as AddressInfo).port, dataDir },
    'expedientes platform listening',
  );
  shutdownOnSignals(logger, [stopServer(server), () => platform.stop()]);
}

runMain('expedientes-platform', main);

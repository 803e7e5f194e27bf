import { resolve } from 'node:path';
import { z } from 'zod';
import {
  createLogger,
  env,
  JwtIdentityVerifier,
  loadConfig,
  runMain,
  ServiceMetrics,
  shutdownOnSignals,
} from '@expedientes/shared-kernel/adapters/runtime';
import { gatewaySettings, gatewayVariables } from '../config';
import { startEmbeddedGateway } from './embedded-gateway';

const configSchema = z.object({
  PORT: env.port(8080),
  DATA_DIR: z.string().min(1).default('data'),
  // Until the authorization server joins this process (issue 4), tokens come from outside.
  ...gatewayVariables,
});

/**
 * The whole platform in one process: SQLite files and document content under DATA_DIR, the
 * public API at /api/v1 (docs at /api/docs) in front of the services.
 */
async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const { auth, ...settings } = gatewaySettings(config);
  const logger = createLogger('expedientes-platform', config.LOG_LEVEL);
  const metrics = new ServiceMetrics('expedientes-platform');
  const dataDir = resolve(config.DATA_DIR);
  const embedded = await startEmbeddedGateway({
    dataDir,
    port: config.PORT,
    logger,
    metrics,
    identity: new JwtIdentityVerifier({
      issuer: auth.issuer,
      audience: auth.audience,
      keys: auth.jwksUrl,
    }),
    settings,
  });
  logger.info({ port: embedded.port, dataDir }, 'expedientes platform listening');
  shutdownOnSignals(logger, [() => embedded.stop()]);
}

runMain('expedientes-platform', main);

// First: traces instrument the database drivers before anything loads them.
import '@expedientes/shared-kernel/adapters/tracing';
import { resolve } from 'node:path';
import { z } from 'zod';
import { authVariables } from '@expedientes/auth';
import {
  createLogger,
  startTracing,
  env,
  loadConfig,
  runMain,
  ServiceMetrics,
  shutdownOnSignals,
  startOperationsServer,
  stopServer,
} from '@expedientes/shared-kernel/adapters/runtime';
import { DURABILITIES } from '@expedientes/shared-kernel/adapters/sql';
import { gatewaySettings, gatewayVariables } from '../config';
import { INTERNAL_PATH, startEmbeddedGateway } from './embedded-gateway';

const configSchema = z
  .object({
    PORT: env.port(8080),
    DATA_DIR: z.string().min(1).default('data'),
    EMBEDDED_DURABILITY: z.enum(DURABILITIES).default('power-cut'),
    /** Optional: bpm's working calendar (a file per year), when not the one shipped. */
    BPM_CALENDAR_DIR: z.string().min(1).optional(),
    /** Where the administration's days begin and end (expedientes reads it too). */
    TIME_ZONE: z.string().min(1).optional(),
    ...gatewayVariables,
  })
  // The authorization server's settings, but where it sends the browser: that is this process.
  .extend(
    z
      .object(authVariables)
      .omit({ AUTH_GATEWAY_REDIRECT_URIS: true, AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS: true })
      .shape,
  );

/**
 * The whole platform in one process, with nothing to configure: SQLite files, document
 * content and generated keys and secrets under DATA_DIR; the authorization server at /auth,
 * the browser login at /login, the public API at /api/v1 (docs at /api/docs) in front of the
 * services.
 */
async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const tracing = startTracing('expedientes-platform');
  const logger = createLogger('expedientes-platform', config.LOG_LEVEL);
  const metrics = new ServiceMetrics('expedientes-platform');
  const dataDir = resolve(config.DATA_DIR);
  const embedded = await startEmbeddedGateway({
    dataDir,
    durability: config.EMBEDDED_DURABILITY,
    plazos: { calendarioDir: config.BPM_CALENDAR_DIR, zonaHoraria: config.TIME_ZONE },
    port: config.PORT,
    logger,
    metrics,
    auth: { kind: 'embedded', variables: config },
    settings: gatewaySettings(config),
  });
  logger.info(
    {
      port: embedded.port,
      dataDir,
      durability: config.EMBEDDED_DURABILITY,
      login: `${embedded.publicUrl}/login`,
    },
    'expedientes platform listening',
  );
  const operations = await startOperationsServer({
    service: 'expedientes-platform',
    readiness: embedded.readiness,
    metrics,
    port: config.OPS_PORT,
    host: config.OPS_HOST ?? '127.0.0.1',
    logger,
    // Rebuilds and the like, for whoever may reach this machine's operators' port.
    routes: { [INTERNAL_PATH]: embedded.internalApi },
  });
  shutdownOnSignals(logger, [
    stopServer(operations),
    () => embedded.stop(),
    () => tracing.shutdown(),
  ]);
}

runMain('expedientes-platform', main);

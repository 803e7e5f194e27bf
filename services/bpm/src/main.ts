import { z } from 'zod';
import { publishedLanguage } from '@expedientes/shared-kernel';
import { KafkaMessageBus } from '@expedientes/shared-kernel/adapters/kafka';
import {
  ConfigurationError,
  createLogger,
  env,
  JwtIdentityVerifier,
  loadConfig,
  runServiceProcess,
  ServiceMetrics,
} from '@expedientes/shared-kernel/adapters/runtime';
import { createBpmService } from './composition-root';

const configSchema = z.object({
  PORT: env.port(3003),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  KAFKA_BROKERS: env.list(),
  AUTH_ISSUER: z.string().min(1),
  AUTH_AUDIENCE: z.string().min(1),
  AUTH_JWKS_URL: env.url(['http', 'https']),
  MYSQL_URL: env.url(['mysql']),
  /** Optional: the procedure definitions, when not the ones shipped with the service. */
  BPM_PROCEDURES_DIR: z.string().min(1).optional(),
});

/** bpm as its own process: MySQL, Kafka, and the authorization server's keys. */
async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger('bpm', config.LOG_LEVEL);
  const metrics = new ServiceMetrics('bpm');
  const bus = new KafkaMessageBus({
    brokers: config.KAFKA_BROKERS,
    clientId: 'bpm',
    registry: publishedLanguage(),
    logger: logger.child({ component: 'kafka' }),
  });
  const module = await createBpmService(
    {
      kind: 'distributed',
      bus,
      mysqlUrl: config.MYSQL_URL,
      procedimientosDir: config.BPM_PROCEDURES_DIR,
    },
    { logger, metrics },
  );
  await runServiceProcess(module, {
    port: config.PORT,
    logger,
    metrics,
    identity: new JwtIdentityVerifier({
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      keys: new URL(config.AUTH_JWKS_URL),
    }),
    resources: [() => bus.close()],
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`bpm: ${error.message}\n`);
  } else {
    process.stderr.write(`bpm failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});

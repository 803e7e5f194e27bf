import { z } from 'zod';
import { publishedLanguage } from '../../contracts';
import { Logger } from '../../ports/logger';
import { MessageBus } from '../../ports/message-bus';
import { KafkaMessageBus } from '../kafka/kafka-message-bus';
import { kafkaSecurityFrom, kafkaSecurityVariables } from '../kafka/kafka-security';
import { ConfigurationError, env, loadConfig } from './config';
import { JwtIdentityVerifier } from './jwt-identity-verifier';
import { createLogger } from './logging';
import { startTracing } from '../shared/tracing';
import { ServiceMetrics } from './metrics';
import { runServiceProcess, ServiceModule } from './service-module';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info');

/** What every service process reads: its port, the bus, and who issues its callers' tokens. */
const commonVariables = {
  LOG_LEVEL: logLevel,
  KAFKA_BROKERS: env.list(),
  ...kafkaSecurityVariables,
  AUTH_ISSUER: z.string().min(1),
  AUTH_AUDIENCE: z.string().min(1),
  AUTH_JWKS_URL: env.url(['http', 'https']),
};

type CommonConfig = { PORT: number } & z.infer<z.ZodObject<typeof commonVariables>>;

export interface DistributedServiceSpec<TShape extends z.ZodRawShape> {
  readonly name: string;
  readonly defaultPort: number;
  /** The service's own variables, beside the common ones. */
  readonly variables: TShape;
  create(
    config: CommonConfig & z.infer<z.ZodObject<TShape>>,
    runtime: {
      readonly bus: MessageBus;
      readonly logger: Logger;
      readonly metrics: ServiceMetrics;
    },
  ): Promise<ServiceModule>;
}

/**
 * The `main` of a service in the distributed mode: configuration checked first (a problem is
 * printed plainly and the process exits 1), then Kafka, the module, HTTP and graceful shutdown.
 */
export function runDistributedService<TShape extends z.ZodRawShape>(
  spec: DistributedServiceSpec<TShape>,
): void {
  const start = async (): Promise<void> => {
    const schema = z.object({
      PORT: env.port(spec.defaultPort),
      ...commonVariables,
      ...spec.variables,
    });
    const config = loadConfig(schema) as CommonConfig & z.infer<z.ZodObject<TShape>>;
    const tracing = startTracing(spec.name);
    const logger = createLogger(spec.name, config.LOG_LEVEL);
    const metrics = new ServiceMetrics(spec.name);
    const bus = new KafkaMessageBus({
      brokers: config.KAFKA_BROKERS,
      ...kafkaSecurityFrom(config),
      clientId: spec.name,
      registry: publishedLanguage(),
      logger: logger.child({ component: 'kafka' }),
    });
    const module = await spec.create(config, { bus, logger, metrics });
    await runServiceProcess(module, {
      port: config.PORT,
      logger,
      metrics,
      identity: new JwtIdentityVerifier({
        issuer: config.AUTH_ISSUER,
        audience: config.AUTH_AUDIENCE,
        keys: new URL(config.AUTH_JWKS_URL),
      }),
      resources: [() => bus.close(), () => tracing.shutdown()],
    });
  };
  runMain(spec.name, start);
}

/**
 * Runs a process's start-up: a configuration problem is printed plainly (no stack trace), any
 * other failure with its stack; either way the process exits 1.
 */
export function runMain(name: string, start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    process.stderr.write(
      error instanceof ConfigurationError
        ? `${name}: ${error.message}\n`
        : `${name} failed to start: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exit(1);
  });
}

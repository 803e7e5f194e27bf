// First: traces instrument the database drivers before anything loads them.
import '@expedientes/shared-kernel/adapters/tracing';
import { AddressInfo } from 'node:net';
import { Logger, publishedLanguage } from '@expedientes/shared-kernel';
import {
  createLogger,
  startTracing,
  env,
  JwtIdentityVerifier,
  loadConfig,
  runMain,
  serverFor,
  ServiceMetrics,
  shutdownOnSignals,
  startOperationsServer,
  stopServer,
} from '@expedientes/shared-kernel/adapters/runtime';
import {
  KafkaMessageBus,
  KafkaSecurity,
  kafkaSecurityFrom,
  kafkaSecurityVariables,
} from '@expedientes/shared-kernel/adapters/kafka';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import express from 'express';
import { z } from 'zod';
import { forwardTo } from './adapters/http/auth-forwarder';
import { httpBackends } from './adapters/http/http-backends';
import { SqlIdempotencyRecords } from './adapters/sql/sql-idempotency-records';
import {
  BusExpedienteChanges,
  liveUpdatesGroup,
} from './adapters/messaging/bus-expediente-changes';
import {
  AUTH_PATH,
  gatewaySettings,
  gatewayVariables,
  issuerOf,
  publicUrlOf,
  secretVariable,
} from './config';
import { createGateway } from './gateway-app';
import { createBrowserLogin } from './login/browser-login';
import { bearerStrategy } from './security/authentication';
import { proxiedWebUi } from './web-ui/proxied-web-ui';
import { staticWebUi } from './web-ui/static-web-ui';

const serviceUrl = env.url(['http', 'https']);

const configSchema = z.object({
  PORT: env.port(8080),
  ...gatewayVariables,
  EXPEDIENTES_URL: serviceUrl,
  DOCUMENTS_URL: serviceUrl,
  BPM_URL: serviceUrl,
  SEARCH_URL: serviceUrl,
  /** auth's own address: the issuer's path is forwarded to it, and tokens are fetched there. */
  AUTH_URL: serviceUrl,
  AUTH_AUDIENCE: z.string().min(1).default('expedientes-api'),
  /** By default the provider's keys at AUTH_URL. */
  AUTH_JWKS_URL: serviceUrl.optional(),
  AUTH_GATEWAY_CLIENT_SECRET: secretVariable,
  GATEWAY_SESSION_SECRET: secretVariable,
  /** The gateway's own database: the browser sessions and the Idempotency-Keys. */
  MYSQL_URL: env.url(['mysql']),
  /** Where the live updates come from; without it, /api/v1/events answers 503. */
  KAFKA_BROKERS: env.list().optional(),
  /** The gateway's own Kafka user, allowed to read expedientes.events only. */
  ...kafkaSecurityVariables,
  /** The web UI's server, unless FRONTEND_DIR says where its build is. */
  FRONTEND_URL: serviceUrl.optional(),
});

/**
 * The gateway as its own process (distributed mode), in front of the services' processes and
 * of auth, which it forwards /auth to, so that the issuer is `<PUBLIC_URL>/auth` and browsers
 * see one origin. Browsers sign in at /login; their sessions live in MySQL, shared by every
 * gateway instance.
 */
async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const settings = gatewaySettings(config);
  const tracing = startTracing('gateway');
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const metrics = new ServiceMetrics('gateway');
  const publicUrl = publicUrlOf(settings, config.PORT);
  const issuer = issuerOf(publicUrl);
  const identity = new JwtIdentityVerifier({
    issuer,
    audience: config.AUTH_AUDIENCE,
    keys: new URL(
      config.AUTH_JWKS_URL ?? `${config.AUTH_URL.replace(/\/+$/, '')}${AUTH_PATH}/jwks`,
    ),
  });
  const sessions = new MysqlDatabase(config.MYSQL_URL);
  const login = await createBrowserLogin({
    publicUrl,
    provider: { issuer, internalUrl: config.AUTH_URL },
    clientSecret: config.AUTH_GATEWAY_CLIENT_SECRET,
    identity,
    sessionSecret: config.GATEWAY_SESSION_SECRET,
    database: sessions,
    logger,
  }).catch(async (error: unknown) => {
    await sessions.close();
    throw error;
  });
  const idempotency = await SqlIdempotencyRecords.open(sessions, settings.idempotency).catch(
    async (error: unknown) => {
      await login.stop();
      await sessions.close();
      throw error;
    },
  );
  const live = await startLiveUpdates(
    config.KAFKA_BROKERS,
    kafkaSecurityFrom(config),
    logger,
  ).catch(async (error) => {
    await login.stop();
    await sessions.close();
    throw error;
  });
  const webUi = settings.frontendDir
    ? staticWebUi(settings.frontendDir, logger)
    : config.FRONTEND_URL
      ? proxiedWebUi(config.FRONTEND_URL, { timeoutMs: settings.backendTimeoutMs, logger })
      : undefined;
  if (!webUi) logger.warn('neither FRONTEND_URL nor FRONTEND_DIR is set: no web UI');
  const { app, liveUpdates } = createGateway({
    logger,
    metrics,
    // Its own store only: a service that is down answers 503 on its own routes.
    readiness: login.readiness,
    backends: httpBackends(
      {
        expedientes: config.EXPEDIENTES_URL,
        documents: config.DOCUMENTS_URL,
        bpm: config.BPM_URL,
        search: config.SEARCH_URL,
        auth: config.AUTH_URL,
      },
      settings.backendTimeoutMs,
    ),
    strategies: [
      ['bearer', bearerStrategy(identity)],
      ['session', login.strategy],
    ],
    browserLogin: login,
    limits: settings.limits,
    corsOrigins: settings.corsOrigins,
    trustProxy: settings.trustProxy,
    changes: live?.changes,
    idempotency,
    webUi,
    publicUrl,
  });
  const host = express();
  host.disable('x-powered-by');
  if (settings.trustProxy !== undefined) host.set('trust proxy', settings.trustProxy);
  // Only the requests under AUTH_PATH reach `host` (serverFor's aside), and the proxy answers
  // every one of them; the rest go straight to `app`.
  host.use(AUTH_PATH, forwardTo(config.AUTH_URL, { timeoutMs: settings.backendTimeoutMs, logger }));
  const server = serverFor(app, { path: AUTH_PATH, listener: host }).listen(config.PORT);
  await new Promise<void>((done, fail) => server.once('listening', done).once('error', fail));
  logger.info(
    { port: (server.address() as AddressInfo).port, publicUrl, issuer },
    'gateway listening',
  );
  const operations = await startOperationsServer({
    service: 'gateway',
    readiness: login.readiness,
    metrics,
    port: config.OPS_PORT,
    host: config.OPS_HOST ?? '0.0.0.0',
    logger,
  });
  shutdownOnSignals(logger, [
    async () => liveUpdates.close(),
    stopServer(server),
    stopServer(operations),
    async () => live?.stop(),
    () => login.stop(),
    () => sessions.close(),
    () => tracing.shutdown(),
  ]);
}

/**
 * The changes to expedientes from Kafka: one consumer for this process, in a group of its own,
 * so every instance of the gateway streams every change to its own clients.
 */
async function startLiveUpdates(
  brokers: readonly string[] | undefined,
  security: KafkaSecurity,
  logger: Logger,
): Promise<{ changes: BusExpedienteChanges; stop(): Promise<void> } | undefined> {
  if (!brokers?.length) {
    logger.warn('KAFKA_BROKERS is not set: no live updates (/api/v1/events answers 503)');
    return undefined;
  }
  const bus = new KafkaMessageBus({
    brokers,
    ...security,
    clientId: 'gateway',
    registry: publishedLanguage(),
    logger: logger.child({ component: 'bus' }),
  });
  const changes = new BusExpedienteChanges(bus, liveUpdatesGroup('distributed'), logger);
  try {
    await changes.start();
  } catch (error) {
    await bus.close();
    throw error;
  }
  return {
    changes,
    stop: async () => {
      await changes.stop();
      await bus.close();
    },
  };
}

runMain('gateway', main);

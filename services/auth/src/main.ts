// First: traces instrument the database drivers before anything loads them.
import '@expedientes/shared-kernel/adapters/tracing';
import { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  createLogger,
  startTracing,
  env,
  loadConfig,
  runMain,
  serverFor,
  ServiceMetrics,
  shutdownOnSignals,
  stopServer,
} from '@expedientes/shared-kernel/adapters/runtime';
import { createAuthHttpApp } from './auth-http-app';
import {
  authSettingsFrom,
  authVariables,
  createAuthService,
  parseSigningKeys,
} from './composition-root';

const configSchema = z.object({
  PORT: env.port(3005),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  MYSQL_URL: env.url(['mysql']),
  /** This server's public URL; the provider is served at its path ('/' or e.g. '/auth'). */
  AUTH_ISSUER: env.url(['http', 'https']),
  /** A JWKS with private keys: {"keys": [{"kty": "RSA", "kid": "...", "d": "...", ...}]}. */
  AUTH_SIGNING_KEYS: z.string().transform((text, ctx) => {
    try {
      return parseSigningKeys(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  /** Secrets that sign the provider's cookies, comma-separated, newest first. */
  AUTH_COOKIE_KEYS: env.list().pipe(z.array(z.string().min(32, 'each at least 32 characters'))),
  ...authVariables,
});

/**
 * auth as its own process (the distributed mode): MySQL, no Kafka. Needs no other service;
 * the others fetch its keys from `<AUTH_ISSUER>/jwks`.
 */
runMain('auth', async () => {
  const config = loadConfig(configSchema);
  const tracing = startTracing('auth');
  const logger = createLogger('auth', config.LOG_LEVEL);
  const metrics = new ServiceMetrics('auth');
  const module = await createAuthService(
    {
      kind: 'distributed',
      mysqlUrl: config.MYSQL_URL,
      signingKeys: config.AUTH_SIGNING_KEYS,
      cookieKeys: config.AUTH_COOKIE_KEYS,
    },
    { logger, metrics },
    authSettingsFrom(config.AUTH_ISSUER, config),
  );
  const app = createAuthHttpApp(module, { logger, metrics });
  await module.start();
  const server = serverFor(app).listen(config.PORT);
  await new Promise<void>((done, fail) => server.once('listening', done).once('error', fail));
  logger.info(
    { port: (server.address() as AddressInfo).port, issuer: config.AUTH_ISSUER },
    'auth listening',
  );
  shutdownOnSignals(logger, [stopServer(server), () => module.stop(), () => tracing.shutdown()]);
});

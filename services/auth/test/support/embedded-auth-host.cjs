// The auth service on the embedded infrastructure (SQLite and keys under DATA_DIR), hosted as
// the embedded process hosts it: the provider at the issuer's path, the rest beside it. Runs
// the BUILT service (dist), since oidc-provider cannot be loaded inside jest's sandbox.
const { createServer } = require('node:http');
const { z } = require('zod');
const runtime = require('@expedientes/shared-kernel/adapters/runtime');
const auth = require('../../dist/composition-root.js');

runtime.runMain('auth-embedded-host', async () => {
  const config = runtime.loadConfig(
    z.object({
      PORT: runtime.env.port(0),
      DATA_DIR: z.string().min(1),
      AUTH_ISSUER: z.string().url(),
      ...auth.authVariables,
    }),
  );
  const logger = runtime.createLogger('auth', 'info');
  const metrics = new runtime.ServiceMetrics('auth');
  const module = await auth.createAuthService(
    { kind: 'embedded', dataDir: config.DATA_DIR },
    { logger, metrics },
    auth.authSettingsFrom(config.AUTH_ISSUER, config),
  );
  const server = createServer(auth.createAuthHttpApp(module, { logger, metrics }));
  await module.start();
  await new Promise((done) => server.listen(config.PORT, '127.0.0.1', done));
  logger.info({ port: config.PORT }, 'auth listening');
  runtime.shutdownOnSignals(logger, [runtime.stopServer(server), () => module.stop()]);
});

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCookieKey, generateSigningKey } from '@expedientes/auth';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServer } from '@expedientes/shared-kernel/testing';
import { browserLoginScenario, LoginPlatform } from './support/browser-login-scenario';
import { embeddedMain, freePort, repoRoot, ServiceProcess } from './support/processes';

const admin = { username: 'marta.admin', password: 'contraseña de marta' };
const machine = { clientId: 'integracion-ci', secret: randomBytes(32).toString('base64url') };
const accessTokenSeconds = 6;

/** What auth is told in both modes: the first administrator, a machine client, short tokens. */
const authEnv = {
  AUTH_ADMIN_USER: admin.username,
  AUTH_ADMIN_PASSWORD: admin.password,
  AUTH_MACHINE_CLIENTS: JSON.stringify([{ ...machine, roles: ['admin'] }]),
  ACCESS_TOKEN_TTL_SECONDS: String(accessTokenSeconds),
};

describe('Browser login on the single embedded process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'expedientes-login-'));
  let embedded: ServiceProcess;
  let platform: LoginPlatform;

  beforeAll(async () => {
    const port = await freePort();
    // The address the tests use: the session cookie is for the host the browser sees.
    const publicUrl = `http://127.0.0.1:${port}`;
    embedded = new ServiceProcess('embedded-login', embeddedMain, port, {
      DATA_DIR: dataDir,
      PUBLIC_URL: publicUrl,
      ...authEnv,
      SAGA_RESPONSE_WAIT_MS: '8000',
    });
    await embedded.start();
    platform = { publicUrl, admin, machine, accessTokenSeconds, withServices: true };
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  browserLoginScenario(() => platform);
});

describeWithServer('mysql', 'Browser login through the distributed gateway and auth', (mysql) => {
  const run = randomUUID().replace(/-/g, '').slice(0, 10);
  const database = (name: string): string => {
    const url = new URL(mysql());
    url.pathname = `/e2e_${run}_${name}`;
    return url.toString();
  };
  let auth: ServiceProcess;
  let gateway: ServiceProcess;
  let platform: LoginPlatform;

  beforeAll(async () => {
    await Promise.all(
      ['auth', 'gateway'].map((name) => MysqlDatabase.ensureDatabase(database(name))),
    );
    const [gatewayPort, authPort, nowhere] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);
    const publicUrl = `http://127.0.0.1:${gatewayPort}`;
    const clientSecret = randomBytes(32).toString('base64url');
    auth = new ServiceProcess(
      'auth-login',
      join(repoRoot, 'services/auth/dist/main.js'),
      authPort,
      {
        MYSQL_URL: database('auth'),
        AUTH_ISSUER: `${publicUrl}/auth`,
        AUTH_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningKey()] }),
        AUTH_COOKIE_KEYS: generateCookieKey(),
        AUTH_GATEWAY_CLIENT_SECRET: clientSecret,
        AUTH_GATEWAY_REDIRECT_URIS: `${publicUrl}/login/callback`,
        AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS: `${publicUrl}/`,
        AUTH_TRUST_PROXY: 'true',
        ...authEnv,
      },
    );
    // Only the gateway and auth: the services' addresses lead nowhere.
    const absent = `http://127.0.0.1:${nowhere}`;
    gateway = new ServiceProcess(
      'gateway-login',
      join(repoRoot, 'gateway/dist/main.js'),
      gatewayPort,
      {
        PUBLIC_URL: publicUrl,
        AUTH_URL: `http://127.0.0.1:${authPort}`,
        AUTH_GATEWAY_CLIENT_SECRET: clientSecret,
        GATEWAY_SESSION_SECRET: randomBytes(32).toString('base64url'),
        MYSQL_URL: database('gateway'),
        EXPEDIENTES_URL: absent,
        DOCUMENTS_URL: absent,
        BPM_URL: absent,
        SEARCH_URL: absent,
        BACKEND_TIMEOUT_MS: '2000',
      },
    );
    await auth.start();
    await gateway.start();
    platform = { publicUrl, admin, machine, accessTokenSeconds, withServices: false };
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await auth?.stop();
    await Promise.all(
      ['auth', 'gateway'].map((name) => MysqlDatabase.dropDatabase(database(name))),
    );
  });

  browserLoginScenario(() => platform);
});

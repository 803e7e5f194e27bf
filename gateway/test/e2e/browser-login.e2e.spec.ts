import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServer } from '@expedientes/shared-kernel/testing';
import { Browser } from './support/browser';
import { browserLoginScenario, LoginPlatform } from './support/browser-login-scenario';
import { authProcess, gatewayLogin, gatewayProcess, testRun } from './support/distributed-platform';
import { embeddedMain, freePort, ServiceProcess } from './support/processes';

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

  it("ends a user's access at their next request once an administrator disables them", async () => {
    const url = (path: string) => `${platform.publicUrl}${path}`;
    const basic = Buffer.from(`${machine.clientId}:${machine.secret}`).toString('base64');
    const issued = await fetch(url('/auth/token'), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const { access_token: adminToken } = (await issued.json()) as { access_token: string };
    const manage = (method: string, path: string, body: unknown) =>
      fetch(url(`/api/v1/users${path}`), {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const lucia = { username: 'lucia.tramitadora', password: 'contraseña de lucía' };
    const created = await manage('POST', '', { ...lucia, nombre: 'Lucía', roles: ['tramitador'] });
    expect(created.status).toBe(201);
    const browser = new Browser();
    const signedIn = await browser.submit(
      await browser.get(url('/login?returnTo=/api/v1/me')),
      lucia,
    );
    expect(signedIn.status).toBe(200);

    expect((await manage('PATCH', `/${lucia.username}`, { activo: false })).status).toBe(200);
    // Her access token is still good for seconds: the gateway knows better at once.
    const refused = await browser.get(url('/api/v1/me'));
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });

    expect((await manage('PATCH', `/${lucia.username}`, { activo: true })).status).toBe(200);
    expect((await browser.get(url('/api/v1/me'))).status).toBe(200);
  });
});

describeWithServer('mysql', 'Browser login through the distributed gateway and auth', (mysql) => {
  const run = testRun();
  const database = (name: string): string => run.database(mysql(), name);
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
    const login = gatewayLogin(gatewayPort);
    auth = authProcess('auth-login', authPort, login, {
      MYSQL_URL: database('auth'),
      ...authEnv,
    });
    // Only the gateway and auth: the services' addresses lead nowhere.
    const absent = `http://127.0.0.1:${nowhere}`;
    gateway = gatewayProcess(
      'gateway-login',
      gatewayPort,
      login,
      { auth: auth.url, service: () => absent },
      { MYSQL_URL: database('gateway'), BACKEND_TIMEOUT_MS: '2000' },
    );
    await auth.start();
    await gateway.start();
    platform = {
      publicUrl: login.publicUrl,
      admin,
      machine,
      accessTokenSeconds,
      withServices: false,
    };
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

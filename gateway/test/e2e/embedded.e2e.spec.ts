import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsersApi } from '../../src/ports/users-api';
import { usersRoutes } from '../../src/api/routes/users-routes';
import { ServiceName } from './support/platform-client';
import { embeddedMain, freePort, ServiceProcess } from './support/processes';
import { expedienteLifeScenario, PlatformUnderTest } from './support/scenario';
import { machineClientUsers, scenarioMachineClients } from './support/users';

/**
 * `npm start` as a newcomer runs it, its authorization server inside: the scenario's people
 * are its machine clients, with real tokens from its token endpoint. Both durabilities keep
 * everything across a kill -9; they differ only after a power cut.
 */
describe.each(['power-cut', 'process-crash'])('The single embedded process (%s)', (durability) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'expedientes-e2e-'));
  const clients = scenarioMachineClients();
  let platform: PlatformUnderTest;
  let embedded: ServiceProcess;

  beforeAll(async () => {
    const opsPort = await freePort();
    embedded = new ServiceProcess('embedded', embeddedMain, await freePort(), {
      DATA_DIR: dataDir,
      EMBEDDED_DURABILITY: durability,
      // The services' internal API is on the operators' port, not the public one.
      OPS_PORT: String(opsPort),
      AUTH_MACHINE_CLIENTS: JSON.stringify(clients),
      // Long enough for the whole scenario, restart included.
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      SAGA_RESPONSE_WAIT_MS: '8000',
    });
    await embedded.start();
    const urls = (service: ServiceName) => `http://127.0.0.1:${opsPort}/internal/${service}`;
    platform = {
      urls,
      users: await machineClientUsers(`${embedded.url}/auth/token`, clients, urls),
    };
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('an expediente from opening to Finalizado', () => {
    expedienteLifeScenario(() => platform);
  });

  it("answers the services' internal API on the operators' port only, never the public one", async () => {
    const { tramitador } = platform.users;
    const listed = await tramitador.get('expedientes', '/expedientes?pageSize=1');
    expect(listed.status).toBe(200);
    const publicly = await fetch(`${embedded.url}/internal/expedientes/expedientes`, {
      headers: { authorization: `Bearer ${tramitador.token}` },
    });
    expect(publicly.status).toBe(404);
    expect(await publicly.json()).toMatchObject({ code: 'API.NOT_FOUND' });
  });

  // The jest-hosted gateway of the int matrix has no authorization server, so no /users.
  it('admits to every /api/v1/users route, as declared, only the roles it declares', async () => {
    const routes = usersRoutes({} as UsersApi);
    expect(routes.length).toBeGreaterThanOrEqual(4);
    const callers = [['nobody', undefined] as const, ...Object.entries(platform.users)];
    const wrong: string[] = [];
    for (const route of routes) {
      const path = route.path.replace('{username}', 'alguien.que.no.existe');
      for (const [caller, user] of callers) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (user) headers.authorization = `Bearer ${user.token}`;
        const reply = await fetch(`${embedded.url}/api/v1${path}`, {
          method: route.method.toUpperCase(),
          headers,
          body: route.method === 'get' ? undefined : '{}',
        });
        await reply.arrayBuffer();
        const roles = route.roles === 'public' ? [] : route.roles;
        // Each of the scenario's people is named after the one role they hold.
        const owed = !user ? 401 : roles.includes(caller as never) ? 'served' : 403;
        const asOwed =
          owed === 'served' ? ![401, 403].includes(reply.status) : reply.status === owed;
        if (!asOwed) wrong.push(`${route.method} ${route.path} as ${caller}: ${reply.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps everything across a kill -9 and a restart on the same data', async () => {
    const { tramitador } = platform.users;
    const before = await tramitador.get('expedientes', '/expedientes?pageSize=100');
    expect(before.body.total).toBeGreaterThan(0);
    await embedded.kill();
    await embedded.start();
    // The same keys after the restart: the tokens issued before it still hold.
    const after = await tramitador.get('expedientes', '/expedientes?pageSize=100');
    expect(after.body).toEqual(before.body);
  });
});

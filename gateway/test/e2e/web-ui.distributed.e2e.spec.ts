import { randomBytes } from 'node:crypto';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServers } from '@expedientes/shared-kernel/testing';
import {
  authProcess,
  gatewayLogin,
  gatewayProcess,
  serviceProcesses,
  testRun,
} from './support/distributed-platform';
import { FrontendServer } from './support/frontend-server';
import { freePort, ServiceProcess } from './support/processes';
import { describeWithPrograms } from './support/programs';
import { WebUiPlatform, webUiScenario } from './support/web-ui-scenario';

/**
 * Every part its own process, as docker compose runs them: the four services on Kafka, auth,
 * the gateway in front, and nginx serving the web UI's build as the frontend container does,
 * behind the gateway (FRONTEND_URL).
 */
describeWithServers(
  ['kafka', 'mysql', 'mongodb'],
  'The web UI on the distributed system',
  (servers) => {
    describeWithPrograms(['chromium', 'nginx'], 'in Chromium, served by nginx', () => {
      const run = testRun();
      const mysqlDatabases = () =>
        ['bpm', 'search', 'expedientes', 'auth', 'gateway'].map((name) =>
          run.database(servers.mysql(), name),
        );
      const admin = { clientId: 'web-ui-admin', secret: randomBytes(32).toString('base64url') };
      const frontend = new FrontendServer();
      const processes: ServiceProcess[] = [];
      let platform: WebUiPlatform;

      beforeAll(async () => {
        await Promise.all(mysqlDatabases().map((url) => MysqlDatabase.ensureDatabase(url)));
        const [gatewayPort, authPort] = await Promise.all([freePort(), freePort()]);
        const login = gatewayLogin(gatewayPort);
        const auth = authProcess('auth-web-ui', authPort, login, {
          MYSQL_URL: run.database(servers.mysql(), 'auth'),
          AUTH_MACHINE_CLIENTS: JSON.stringify([{ ...admin, roles: ['admin'] }]),
        });
        const backends = await serviceProcesses(
          servers,
          run,
          {
            issuer: `${login.publicUrl}/auth`,
            audience: 'expedientes-api',
            jwksUrl: `${auth.url}/auth/jwks`,
          },
          { label: 'web-ui' },
        );
        processes.push(auth, ...Object.values(backends));
        await Promise.all([frontend.start(), ...processes.map((each) => each.start())]);
        const gateway = gatewayProcess(
          'gateway-web-ui',
          gatewayPort,
          login,
          { auth: auth.url, service: (name) => backends[name].url },
          {
            MYSQL_URL: run.database(servers.mysql(), 'gateway'),
            KAFKA_BROKERS: servers.kafka(), // the live updates (/api/v1/events)
            FRONTEND_URL: frontend.url,
          },
        );
        processes.push(gateway);
        await gateway.start();
        const { publicUrl } = login;
        platform = { mode: 'distributed', publicUrl, api: `${publicUrl}/api/v1`, admin };
      }, 180_000);

      afterAll(async () => {
        // The gateway first, then what it calls.
        await processes.at(-1)?.stop();
        await Promise.all(processes.slice(0, -1).map((each) => each.stop()));
        await frontend.stop();
        await Promise.all(mysqlDatabases().map((url) => MysqlDatabase.dropDatabase(url)));
      }, 60_000);

      webUiScenario(() => platform);

      it('got the web UI from nginx, through the gateway', () => {
        const served = frontend.servedPaths();
        expect(served).toEqual(expect.arrayContaining(['/expedientes']));
        expect(served.some((path) => path.startsWith('/assets/'))).toBe(true);
        // The API, the login and auth never reach the frontend's server.
        expect(served.filter((path) => /^\/(api|login|logout|auth)\b/.test(path))).toEqual([]);
      });
    });
  },
);

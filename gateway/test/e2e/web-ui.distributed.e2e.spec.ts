import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateCookieKey, generateSigningKey } from '@expedientes/auth';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServers } from '@expedientes/shared-kernel/testing';
import { FrontendServer } from './support/frontend-server';
import { ServiceName } from './support/platform-client';
import { freePort, repoRoot, serviceMain, ServiceProcess } from './support/processes';
import { describeWithPrograms } from './support/programs';
import { WebUiPlatform, webUiScenario } from './support/web-ui-scenario';

const services: readonly ServiceName[] = ['documents', 'bpm', 'search', 'expedientes'];

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
      const run = randomUUID().replace(/-/g, '').slice(0, 10);
      const database = (server: string, name: string): string => {
        const url = new URL(server);
        url.pathname = `/e2e_${run}_${name}`;
        return url.toString();
      };
      const mysqlDatabases = () =>
        ['bpm', 'search', 'expedientes', 'auth', 'gateway'].map((name) =>
          database(servers.mysql(), name),
        );
      const admin = { clientId: 'web-ui-admin', secret: randomBytes(32).toString('base64url') };
      const frontend = new FrontendServer();
      const processes: ServiceProcess[] = [];
      let platform: WebUiPlatform;

      beforeAll(async () => {
        await Promise.all(mysqlDatabases().map((url) => MysqlDatabase.ensureDatabase(url)));
        const [gatewayPort, authPort] = await Promise.all([freePort(), freePort()]);
        const publicUrl = `http://127.0.0.1:${gatewayPort}`;
        const clientSecret = randomBytes(32).toString('base64url');
        const auth = new ServiceProcess(
          'auth-web-ui',
          join(repoRoot, 'services/auth/dist/main.js'),
          authPort,
          {
            MYSQL_URL: database(servers.mysql(), 'auth'),
            AUTH_ISSUER: `${publicUrl}/auth`,
            AUTH_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningKey()] }),
            AUTH_COOKIE_KEYS: generateCookieKey(),
            AUTH_GATEWAY_CLIENT_SECRET: clientSecret,
            AUTH_GATEWAY_REDIRECT_URIS: `${publicUrl}/login/callback`,
            AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS: `${publicUrl}/`,
            AUTH_MACHINE_CLIENTS: JSON.stringify([{ ...admin, roles: ['admin'] }]),
            AUTH_TRUST_PROXY: 'true',
          },
        );
        const common = {
          KAFKA_BROKERS: servers.kafka(),
          AUTH_ISSUER: `${publicUrl}/auth`,
          AUTH_AUDIENCE: 'expedientes-api',
          AUTH_JWKS_URL: `${auth.url}/auth/jwks`,
        };
        const env: Record<ServiceName, Record<string, string>> = {
          documents: { ...common, MONGODB_URL: database(servers.mongodb(), 'documents') },
          bpm: { ...common, MYSQL_URL: database(servers.mysql(), 'bpm') },
          search: { ...common, MYSQL_URL: database(servers.mysql(), 'search') },
          expedientes: {
            ...common,
            EVENT_STORE: 'mysql',
            MYSQL_URL: database(servers.mysql(), 'expedientes'),
            MONGODB_URL: database(servers.mongodb(), 'expedientes'),
            SAGA_RESPONSE_WAIT_MS: '8000',
          },
        };
        const backends = await Promise.all(
          services.map(
            async (name) =>
              new ServiceProcess(`${name}-web-ui`, serviceMain(name), await freePort(), env[name]),
          ),
        );
        processes.push(auth, ...backends);
        await Promise.all([frontend.start(), ...processes.map((each) => each.start())]);
        const url = (name: ServiceName) => backends[services.indexOf(name)].url;
        const gateway = new ServiceProcess(
          'gateway-web-ui',
          join(repoRoot, 'gateway/dist/main.js'),
          gatewayPort,
          {
            PUBLIC_URL: publicUrl,
            AUTH_URL: auth.url,
            AUTH_GATEWAY_CLIENT_SECRET: clientSecret,
            GATEWAY_SESSION_SECRET: randomBytes(32).toString('base64url'),
            MYSQL_URL: database(servers.mysql(), 'gateway'),
            EXPEDIENTES_URL: url('expedientes'),
            DOCUMENTS_URL: url('documents'),
            BPM_URL: url('bpm'),
            SEARCH_URL: url('search'),
            KAFKA_BROKERS: servers.kafka(), // the live updates (/api/v1/events)
            FRONTEND_URL: frontend.url,
          },
        );
        processes.push(gateway);
        await gateway.start();
        platform = { mode: 'distributed', publicUrl, usersApi: auth.url, admin };
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

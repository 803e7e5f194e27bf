import { randomBytes } from 'node:crypto';
import { describeWithServers } from '@expedientes/shared-kernel/testing';
import { GatewayPlatform, gatewayPlatform, testRun } from './support/distributed-platform';
import { FrontendServer } from './support/frontend-server';
import { describeWithPrograms } from '@expedientes/shared-kernel/testing';
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
      const admin = { clientId: 'web-ui-admin', secret: randomBytes(32).toString('base64url') };
      const frontend = new FrontendServer();
      let system: GatewayPlatform;
      let platform: WebUiPlatform;

      beforeAll(async () => {
        await frontend.start();
        system = await gatewayPlatform(servers, run, {
          label: 'web-ui',
          machineClients: [{ ...admin, roles: ['admin'] }],
          gatewayEnv: {
            KAFKA_BROKERS: servers.kafka(), // the live updates (/api/v1/events)
            FRONTEND_URL: frontend.url,
          },
        });
        const { publicUrl } = system;
        platform = { mode: 'distributed', publicUrl, api: `${publicUrl}/api/v1`, admin };
      }, 180_000);

      afterAll(async () => {
        await system?.stop();
        await frontend.stop();
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

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frontendDist } from './support/frontend-server';
import { embeddedMain, freePort, ServiceProcess } from './support/processes';
import { describeWithPrograms } from '@expedientes/shared-kernel/testing';
import { WebUiPlatform, webUiScenario } from './support/web-ui-scenario';

/** `npm start`: the single process serves the web UI's build, the API and the login. */
describeWithPrograms(['chromium'], 'The web UI on the single embedded process', () => {
  const admin = { clientId: 'web-ui-admin', secret: randomBytes(32).toString('base64url') };
  let dataDir = '';
  let embedded: ServiceProcess;
  let platform: WebUiPlatform;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'expedientes-web-ui-'));
    const port = await freePort();
    // The address the browser uses: the session cookie is for the host it sees.
    const publicUrl = `http://127.0.0.1:${port}`;
    embedded = new ServiceProcess('embedded-web-ui', embeddedMain, port, {
      DATA_DIR: dataDir,
      PUBLIC_URL: publicUrl,
      FRONTEND_DIR: frontendDist,
      AUTH_MACHINE_CLIENTS: JSON.stringify([{ ...admin, roles: ['admin'] }]),
      SAGA_RESPONSE_WAIT_MS: '8000',
    });
    await embedded.start();
    platform = { mode: 'embedded', publicUrl, api: `${publicUrl}/api/v1`, admin };
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  webUiScenario(() => platform);
});

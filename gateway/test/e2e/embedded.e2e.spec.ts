import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { ServiceName } from './support/platform-client';
import { embeddedMain, freePort, serveJwks, ServiceProcess } from './support/processes';
import { expedienteLifeScenario, PlatformUnderTest } from './support/scenario';
import { scenarioUsers } from './support/users';

describe('The single embedded process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'expedientes-e2e-'));
  let platform: PlatformUnderTest;
  let embedded: ServiceProcess;
  let closeJwks: () => Promise<void>;

  beforeAll(async () => {
    const issuer = await TestTokenIssuer.create();
    const jwks = await serveJwks(issuer.jwks);
    closeJwks = jwks.close;
    embedded = new ServiceProcess('embedded', embeddedMain, await freePort(), {
      DATA_DIR: dataDir,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      AUTH_JWKS_URL: jwks.url,
      SAGA_RESPONSE_WAIT_MS: '8000',
    });
    await embedded.start();
    const urls = (service: ServiceName) => `${embedded.url}/internal/${service}`;
    platform = { urls, users: await scenarioUsers(issuer, urls) };
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    await closeJwks?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('an expediente from opening to Finalizado', () => {
    expedienteLifeScenario(() => platform);
  });

  it('keeps everything across a kill -9 and a restart on the same data', async () => {
    const { tramitador } = platform.users;
    const before = await tramitador.get('expedientes', '/expedientes?pageSize=100');
    expect(before.body.total).toBeGreaterThan(0);
    await embedded.kill();
    await embedded.start();
    const after = await tramitador.get('expedientes', '/expedientes?pageSize=100');
    expect(after.body).toEqual(before.body);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtIdentityVerifier } from '@expedientes/shared-kernel/adapters/runtime';
import { RelyingParty } from '../support/relying-party';
import { LogLine, RunningAuth, startAuth } from '../support/running-auth';
import { signIn } from '../support/sign-in';

const announcements = (logs: readonly LogLine[]) =>
  logs.filter((line) => 'password' in line || /FIRST ADMINISTRATOR/.test(line.msg));

describe('the first administrator, when none is configured', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-first-admin-'));
  const secret = randomBytes(32).toString('base64url');
  const callback = 'http://gateway.test/callback';
  // No AUTH_ADMIN_PASSWORD: the platform has to make one up.
  const env = {
    DATA_DIR: dataDir,
    AUTH_GATEWAY_CLIENT_SECRET: secret,
    AUTH_GATEWAY_REDIRECT_URIS: callback,
  };
  let running: RunningAuth | undefined;

  afterAll(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gets a generated password, logged once at the first start and never again', async () => {
    running = await startAuth('embedded', env);
    const [announcement, ...others] = announcements(running.logs);
    expect(others).toEqual([]);
    expect(announcement).toMatchObject({ level: 'warn', username: 'admin' });
    const password = String(announcement.password);
    expect(password.length).toBeGreaterThanOrEqual(20);

    const gateway = await RelyingParty.discover(running.issuer, {
      id: 'gateway',
      secret,
      redirectUri: callback,
    });
    const tokens = await signIn(running.baseUrl, gateway, { username: 'admin', password });
    const verifier = new JwtIdentityVerifier({
      issuer: running.issuer,
      audience: 'expedientes-api',
      keys: new URL(gateway.discovery.jwks_uri),
    });
    await expect(verifier.verify(tokens.access_token)).resolves.toEqual({
      userId: 'admin',
      roles: ['admin'],
    });

    const { port } = running;
    await running.stop();
    running = await startAuth('embedded', env, port);
    expect(announcements(running.logs)).toEqual([]);
    await expect(
      signIn(running.baseUrl, gateway, { username: 'admin', password }),
    ).resolves.toHaveProperty('access_token');
  });
});

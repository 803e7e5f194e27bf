import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '@expedientes/shared-kernel';
import { JwtIdentityVerifier, ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { GatewaySettings } from '../../src/config';
import { EmbeddedGateway, startEmbeddedGateway } from '../../src/embedded/embedded-gateway';
import { serveJwks } from '../e2e/support/processes';
import { ApiClient } from './api-client';

export type Persona = 'tramitador' | 'validador' | 'admin' | 'sinRol';

/** The people of the tests, each with the roles their name says (and one with none). */
export const personas: Readonly<Record<Persona, { userId: string; roles: string[] }>> = {
  tramitador: { userId: 'ana.tramitadora', roles: ['tramitador'] },
  validador: { userId: 'victor.validador', roles: ['validador'] },
  admin: { userId: 'alba.admin', roles: ['admin'] },
  sinRol: { userId: 'nadia.sinrol', roles: [] },
};

export const KiB = 1024;

/** The settings the tests run the gateway with: small uploads, a generous rate. */
export const testSettings: GatewaySettings = {
  limits: { maxFileBytes: 256 * KiB, requestsPerMinute: 10_000 },
  backendTimeoutMs: 15_000,
  idempotency: { keptMs: 24 * 60 * 60 * 1000, abandonedAfterMs: 30_000 },
};

export interface GatewayUnderTest {
  readonly embedded: EmbeddedGateway;
  readonly issuer: TestTokenIssuer;
  readonly jwksUrl: string;
  readonly api: ApiClient;
  /** A valid token for each persona. */
  readonly tokens: Readonly<Record<Persona, string>>;
  stop(): Promise<void>;
}

/**
 * The embedded platform in this process, behind the gateway on a free port, trusting a test
 * issuer whose keys are served over HTTP as an authorization server publishes them (the
 * real one, oidc-provider, cannot run inside jest: see test/e2e for it).
 */
export async function startGatewayUnderTest(
  settings: GatewaySettings = testSettings,
): Promise<GatewayUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-int-'));
  const issuer = await TestTokenIssuer.create();
  const jwks = await serveJwks(issuer.jwks);
  const embedded = await startEmbeddedGateway({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    metrics: new ServiceMetrics('gateway-test'),
    auth: {
      kind: 'external',
      identity: new JwtIdentityVerifier({
        issuer: issuer.issuer,
        audience: issuer.audience,
        keys: new URL(jwks.url),
      }),
    },
    settings,
  });
  const tokens = Object.fromEntries(
    await Promise.all(
      Object.entries(personas).map(async ([persona, { userId, roles }]) => [
        persona,
        await issuer.token({ userId, roles, expiresIn: 3_600 }),
      ]),
    ),
  ) as Record<Persona, string>;
  return {
    embedded,
    issuer,
    jwksUrl: jwks.url,
    api: new ApiClient(`${embedded.url}/api/v1`),
    tokens,
    stop: async () => {
      await embedded.stop();
      await jwks.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A PDF-looking file of about `size` bytes, different every time. */
export const pdf = (size = 8 * KiB): Buffer =>
  Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(Math.max(0, size - 9))]);

/** A code no other test uses. */
export const codigoNuevo = (prefix = 'INT'): string =>
  `${prefix}-${randomBytes(4).toString('hex').toUpperCase()}`;

import { z } from 'zod';
import { loadConfig } from '@expedientes/shared-kernel/adapters/runtime';
import {
  authSettingsFrom,
  authVariables,
  generateSigningKey,
  parseSigningKeys,
} from '../../src/composition-root';
import { publicKeySet } from '../../src/infrastructure/keys/provider-keys';

const schema = z.object(authVariables);
const issuer = 'https://expedientes.example/auth';
const secret = 'g'.repeat(32);
const machine = { clientId: 'smoke-tests', secret: 's'.repeat(32), roles: ['tramitador'] };

describe('the authorization server settings from the environment', () => {
  it('has defaults for everything but the clients', () => {
    expect(authSettingsFrom(issuer, loadConfig(schema, {}))).toEqual({
      issuer,
      audience: 'expedientes-api',
      machineClients: [],
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 28_800,
      firstAdmin: { username: 'admin', password: undefined },
      trustProxy: false,
      login: { maxFailures: 5, maxFailuresPerAddress: 30, lockMinutes: 15 },
    });
  });

  it('reads the gateway client, the machine clients, the lifetimes and the first admin', () => {
    const config = loadConfig(schema, {
      AUTH_AUDIENCE: 'api',
      AUTH_GATEWAY_CLIENT_SECRET: secret,
      AUTH_GATEWAY_REDIRECT_URIS: 'https://a.example/cb, https://b.example/cb',
      AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS: 'https://a.example/',
      AUTH_MACHINE_CLIENTS: JSON.stringify([machine]),
      ACCESS_TOKEN_TTL_SECONDS: '300',
      REFRESH_TOKEN_TTL_SECONDS: '3600',
      AUTH_ADMIN_USER: 'jefa',
      AUTH_ADMIN_PASSWORD: 'clave de la jefa',
      AUTH_TRUST_PROXY: 'true',
      AUTH_LOGIN_MAX_FAILURES: '3',
      AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '100',
      AUTH_LOGIN_LOCK_MINUTES: '10',
    });
    expect(authSettingsFrom(issuer, config)).toEqual({
      issuer,
      audience: 'api',
      gateway: {
        clientSecret: secret,
        redirectUris: ['https://a.example/cb', 'https://b.example/cb'],
        postLogoutRedirectUris: ['https://a.example/'],
      },
      machineClients: [
        { clientId: 'smoke-tests', clientSecret: machine.secret, roles: ['tramitador'] },
      ],
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 3600,
      firstAdmin: { username: 'jefa', password: 'clave de la jefa' },
      trustProxy: true,
      login: { maxFailures: 3, maxFailuresPerAddress: 100, lockMinutes: 10 },
    });
  });

  it.each([
    [{ AUTH_MACHINE_CLIENTS: 'no es json' }, 'AUTH_MACHINE_CLIENTS: must be JSON'],
    [
      { AUTH_MACHINE_CLIENTS: JSON.stringify([{ ...machine, roles: ['jefe'] }]) },
      'AUTH_MACHINE_CLIENTS.0.roles.0',
    ],
    [{ AUTH_MACHINE_CLIENTS: JSON.stringify([{ ...machine, secret: 'corto' }]) }, 'at least 32'],
    [{ AUTH_GATEWAY_CLIENT_SECRET: 'corto' }, 'AUTH_GATEWAY_CLIENT_SECRET: at least 32'],
    [{ ACCESS_TOKEN_TTL_SECONDS: '-5' }, 'ACCESS_TOKEN_TTL_SECONDS'],
    [{ AUTH_ADMIN_PASSWORD: 'corta' }, 'AUTH_ADMIN_PASSWORD: at least 8 characters'],
  ])('says what is wrong with %j', (env, message) => {
    expect(() => loadConfig(schema, env)).toThrow(message);
  });

  it('needs the redirect URIs of a gateway client it is given', () => {
    const config = loadConfig(schema, { AUTH_GATEWAY_CLIENT_SECRET: secret });
    expect(() => authSettingsFrom(issuer, config)).toThrow(
      'AUTH_GATEWAY_REDIRECT_URIS is required with AUTH_GATEWAY_CLIENT_SECRET',
    );
  });
});

describe('the signing keys from the environment (AUTH_SIGNING_KEYS)', () => {
  const key = generateSigningKey();

  it('takes a JSON Web Key Set of private keys', () => {
    expect(parseSigningKeys(JSON.stringify({ keys: [key] }))).toEqual([key]);
  });

  const set = (...keys: object[]) => JSON.stringify({ keys });

  it.each([
    ['text that is not JSON', 'not JSON', 'must be a JSON Web Key Set'],
    ['an empty set', set(), 'at least one key'],
    ['a key without kid', set({ ...key, kid: undefined }), 'has no "kid"'],
    ['a public key', set({ ...key, d: undefined }), 'is not a private key'],
    ['a key of no known type', set({ ...key, kty: 'XYZ' }), 'is not a valid private JWK'],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseSigningKeys(text)).toThrow(message);
  });

  it('publishes only the public half, under the same key id', () => {
    const [published] = publicKeySet([key]).keys;
    expect(published).toEqual({
      kty: 'RSA',
      n: key.n,
      e: key.e,
      kid: key.kid,
      alg: 'RS256',
      use: 'sig',
    });
  });
});

import { z } from 'zod';
import { ConfigurationError, env } from '@expedientes/shared-kernel/adapters/runtime';
import { ROLES } from './domain/rol';
import { MachineClient } from './infrastructure/oidc/authorization-server';

const clientId = z.string().regex(/^[A-Za-z0-9._-]{3,64}$/, 'letters, digits, . _ -: 3 to 64');
const secret = z.string().min(32, 'at least 32 characters');

const machineClients = z
  .string()
  .min(1)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(
      z.object({ clientId, secret, roles: z.array(z.enum(ROLES)).min(1) }),
      'must be a JSON array of {"clientId", "secret", "roles"}',
    ),
  );

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/**
 * The authorization server's settings as environment variables, for every process that hosts
 * it (its own, or the embedded one): spread into that process's `loadConfig` schema, then
 * turned into AuthSettings by `authSettingsFrom`. The issuer and the keys are the host's.
 */
export const authVariables = {
  /** The `aud` of the access tokens: what the services' JwtIdentityVerifier expects. */
  AUTH_AUDIENCE: z.string().min(1).default('expedientes-api'),
  /** The gateway client (authorization code + PKCE, refresh tokens); none without a secret. */
  AUTH_GATEWAY_CLIENT_SECRET: secret.optional(),
  AUTH_GATEWAY_REDIRECT_URIS: env.list().optional(),
  AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS: env.list().optional(),
  /** Client-credentials clients: [{"clientId": "...", "secret": "...", "roles": ["..."]}]. */
  AUTH_MACHINE_CLIENTS: machineClients.optional(),
  ACCESS_TOKEN_TTL_SECONDS: env.positiveInt(900),
  REFRESH_TOKEN_TTL_SECONDS: env.positiveInt(8 * 60 * 60),
  /** The first administrator, created when no enabled one exists. */
  AUTH_ADMIN_USER: z.string().min(1).default('admin'),
  /** Without it, a password is generated and logged once. */
  AUTH_ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').optional(),
  /** Behind a TLS-terminating proxy: believe its X-Forwarded-* headers. */
  AUTH_TRUST_PROXY: flag,
  /** Failed sign-ins of one username within AUTH_LOGIN_LOCK_MINUTES before it is locked. */
  AUTH_LOGIN_MAX_FAILURES: env.positiveInt(5),
  /** The same for one client address: many people may share it. */
  AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: env.positiveInt(30),
  /** The window failures are counted in, and the first lock; each further lock doubles. */
  AUTH_LOGIN_LOCK_MINUTES: env.positiveInt(15),
};

export type AuthVariables = z.infer<z.ZodObject<typeof authVariables>>;

export interface AuthSettings {
  /** The provider's public URL, e.g. http://localhost:8080/auth; its path is the mount path. */
  readonly issuer: string;
  readonly audience?: string;
  readonly gateway?: {
    readonly clientSecret: string;
    readonly redirectUris: readonly string[];
    readonly postLogoutRedirectUris?: readonly string[];
  };
  readonly machineClients?: readonly MachineClient[];
  readonly accessTokenTtlSeconds?: number;
  readonly refreshTokenTtlSeconds?: number;
  readonly firstAdmin?: { readonly username?: string; readonly password?: string };
  readonly trustProxy?: boolean;
  readonly login?: {
    readonly maxFailures: number;
    readonly maxFailuresPerAddress: number;
    readonly lockMinutes: number;
  };
}

export function authSettingsFrom(issuer: string, config: AuthVariables): AuthSettings {
  const secretGiven = config.AUTH_GATEWAY_CLIENT_SECRET !== undefined;
  if (secretGiven && !config.AUTH_GATEWAY_REDIRECT_URIS?.length) {
    throw new ConfigurationError([
      'AUTH_GATEWAY_REDIRECT_URIS is required with AUTH_GATEWAY_CLIENT_SECRET',
    ]);
  }
  return {
    issuer,
    audience: config.AUTH_AUDIENCE,
    ...(secretGiven && {
      gateway: {
        clientSecret: config.AUTH_GATEWAY_CLIENT_SECRET as string,
        redirectUris: config.AUTH_GATEWAY_REDIRECT_URIS ?? [],
        postLogoutRedirectUris: config.AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS ?? [],
      },
    }),
    machineClients: (config.AUTH_MACHINE_CLIENTS ?? []).map(
      ({ clientId: id, secret: s, roles }) => ({
        clientId: id,
        clientSecret: s,
        roles,
      }),
    ),
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    firstAdmin: { username: config.AUTH_ADMIN_USER, password: config.AUTH_ADMIN_PASSWORD },
    trustProxy: config.AUTH_TRUST_PROXY,
    login: {
      maxFailures: config.AUTH_LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: config.AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS,
      lockMinutes: config.AUTH_LOGIN_LOCK_MINUTES,
    },
  };
}

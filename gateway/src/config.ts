import { env } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { GatewayLimits } from './gateway-app';

const MiB = 1024 * 1024;

/** Express's `trust proxy`: true/false, a number of hops, or addresses and subnets. */
const trustProxy = z
  .string()
  .min(1)
  .transform((value): boolean | number | string =>
    value === 'true'
      ? true
      : value === 'false'
        ? false
        : /^\d+$/.test(value)
          ? Number(value)
          : value,
  );

/** What the gateway reads from the environment in both modes. */
export const gatewayVariables = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  AUTH_ISSUER: z.string().min(1),
  AUTH_AUDIENCE: z.string().min(1),
  AUTH_JWKS_URL: env.url(['http', 'https']),
  /** Comma-separated origins allowed to call the API from a browser; unset: none. */
  CORS_ORIGINS: env.list().optional(),
  RATE_LIMIT_PER_MINUTE: env.positiveInt(600),
  /** The same variable documents reads: the gateway refuses what documents would. */
  DOCUMENT_MAX_BYTES: env.positiveInt(50 * MiB),
  BACKEND_TIMEOUT_MS: env.positiveInt(30_000),
  TRUST_PROXY: trustProxy.optional(),
};

type GatewayVariables = z.infer<z.ZodObject<typeof gatewayVariables>>;

export interface GatewaySettings {
  readonly auth: { readonly issuer: string; readonly audience: string; readonly jwksUrl: URL };
  readonly limits: GatewayLimits;
  readonly corsOrigins?: readonly string[];
  readonly trustProxy?: boolean | number | string;
  readonly backendTimeoutMs: number;
}

export const gatewaySettings = (variables: GatewayVariables): GatewaySettings => ({
  auth: {
    issuer: variables.AUTH_ISSUER,
    audience: variables.AUTH_AUDIENCE,
    jwksUrl: new URL(variables.AUTH_JWKS_URL),
  },
  limits: {
    maxFileBytes: variables.DOCUMENT_MAX_BYTES,
    requestsPerMinute: variables.RATE_LIMIT_PER_MINUTE,
  },
  corsOrigins: variables.CORS_ORIGINS,
  trustProxy: variables.TRUST_PROXY,
  backendTimeoutMs: variables.BACKEND_TIMEOUT_MS,
});

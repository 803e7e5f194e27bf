import { env } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { IdempotencyTimes } from './adapters/sql/sql-idempotency-records';
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

/** A secret of a deployment: long enough that nobody guesses it. */
export const secretVariable = z.string().min(32, 'at least 32 characters');

/** What the gateway reads from the environment in both modes. */
export const gatewayVariables = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** Where browsers reach the platform; the issuer is `<PUBLIC_URL>/auth`. */
  PUBLIC_URL: env.url(['http', 'https']).optional(),
  /** Signs the browser session cookie (embedded: generated once into DATA_DIR when unset). */
  GATEWAY_SESSION_SECRET: secretVariable.optional(),
  /** Comma-separated origins allowed to call the API from a browser; unset: none. */
  CORS_ORIGINS: env.list().optional(),
  RATE_LIMIT_PER_MINUTE: env.positiveInt(600),
  /** API requests that change something worked on at once; more wait their turn. */
  ADMISSION_CONCURRENT_CHANGES: env.positiveInt(32),
  /** API reads worked on at once; more wait their turn. */
  ADMISSION_CONCURRENT_READS: env.positiveInt(64),
  /** Requests of each kind waiting for a turn; one more is answered 503 at once. */
  ADMISSION_QUEUE: env.positiveInt(64),
  /** How long a request waits for its turn before it is answered 503. */
  ADMISSION_MAX_WAIT_MS: env.positiveInt(3_000),
  /** The same variable documents reads: the gateway refuses what documents would. */
  DOCUMENT_MAX_BYTES: env.positiveInt(50 * MiB),
  BACKEND_TIMEOUT_MS: env.positiveInt(30_000),
  /** How long an Idempotency-Key and its answer are kept. */
  IDEMPOTENCY_KEY_TTL_HOURS: env.positiveInt(24),
  TRUST_PROXY: trustProxy.optional(),
  /** Live-update streams one process keeps open at most. */
  LIVE_UPDATES_MAX_STREAMS: env.positiveInt(1_000),
  /** The web UI's build to serve (embedded: the repository's frontend/dist by default). */
  FRONTEND_DIR: z.string().min(1).optional(),
  /** The operators' port: /metrics and /health/ready with each check, not for the public. */
  OPS_PORT: env.port(9464),
  /** Where it listens (gateway: every interface of the pod; embedded: this machine only). */
  OPS_HOST: z.string().min(1).optional(),
};

type GatewayVariables = z.infer<z.ZodObject<typeof gatewayVariables>>;

export interface GatewaySettings {
  readonly limits: GatewayLimits;
  readonly corsOrigins?: readonly string[];
  readonly trustProxy?: boolean | number | string;
  readonly backendTimeoutMs: number;
  readonly idempotency: IdempotencyTimes;
  /** The platform's public URL; http://localhost:<port> when not given. */
  readonly publicUrl?: string;
  /** Signs the browser session cookie. */
  readonly sessionSecret?: string;
  /** The web UI's build to serve, when given. */
  readonly frontendDir?: string;
}

export const gatewaySettings = (variables: GatewayVariables): GatewaySettings => ({
  limits: {
    maxFileBytes: variables.DOCUMENT_MAX_BYTES,
    requestsPerMinute: variables.RATE_LIMIT_PER_MINUTE,
    liveStreams: variables.LIVE_UPDATES_MAX_STREAMS,
    admission: {
      reads: {
        concurrency: variables.ADMISSION_CONCURRENT_READS,
        queue: variables.ADMISSION_QUEUE,
        maxWaitMs: variables.ADMISSION_MAX_WAIT_MS,
      },
      changes: {
        concurrency: variables.ADMISSION_CONCURRENT_CHANGES,
        queue: variables.ADMISSION_QUEUE,
        maxWaitMs: variables.ADMISSION_MAX_WAIT_MS,
      },
    },
  },
  corsOrigins: variables.CORS_ORIGINS,
  trustProxy: variables.TRUST_PROXY,
  backendTimeoutMs: variables.BACKEND_TIMEOUT_MS,
  idempotency: {
    keptMs: variables.IDEMPOTENCY_KEY_TTL_HOURS * 60 * 60 * 1000,
    // Past two of the gateway's waits for a service, nobody is answering that request any more.
    abandonedAfterMs: 2 * variables.BACKEND_TIMEOUT_MS,
  },
  publicUrl: variables.PUBLIC_URL,
  sessionSecret: variables.GATEWAY_SESSION_SECRET,
  frontendDir: variables.FRONTEND_DIR,
});

/** PUBLIC_URL without its trailing slash, or the local address of `port`. */
export const publicUrlOf = (settings: Pick<GatewaySettings, 'publicUrl'>, port: number): string =>
  (settings.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');

/** Where the authorization server answers on the platform's origin. */
export const AUTH_PATH = '/auth';

/** The authorization server's public URL: /auth of the platform's. */
export const issuerOf = (publicUrl: string): string => `${publicUrl}${AUTH_PATH}`;

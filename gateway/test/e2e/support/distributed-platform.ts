import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateCookieKey, generateSigningKey } from '@expedientes/auth';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { kafkaEnvironment, ServerKind, ServerUrl } from '@expedientes/shared-kernel/testing';
import { ServiceName } from './platform-client';
import { freePort, repoRoot, serviceMain, ServiceProcess } from './processes';

/** The four services of the distributed mode, in the order they are started. */
export const services: readonly ServiceName[] = ['documents', 'bpm', 'search', 'expedientes'];

/** One test run: its id, and databases named after it so that no two runs share one. */
export interface TestRun {
  readonly id: string;
  /** The URL of the database `name` of this run on `server`. */
  database(server: string, name: string): string;
}

export function testRun(): TestRun {
  const id = randomUUID().replace(/-/g, '').slice(0, 10);
  return {
    id,
    database: (server, name) => {
      const url = new URL(server);
      url.pathname = `/e2e_${id}_${name}`;
      return url.toString();
    },
  };
}

/** Whose access tokens the services accept. */
export interface TokenTrust {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
}

/**
 * The four services, each its own process (not started yet) on Kafka and this run's databases,
 * trusting `trust`'s tokens; `expedientes` adds to that service's environment.
 */
export async function serviceProcesses(
  servers: Record<ServerKind, ServerUrl>,
  run: TestRun,
  trust: TokenTrust,
  options: {
    label?: string;
    expedientes?: Record<string, string>;
    /** Added to every service's environment. */
    all?: Record<string, string>;
  } = {},
): Promise<Record<ServiceName, ServiceProcess>> {
  const common = {
    KAFKA_BROKERS: servers.kafka(),
    AUTH_ISSUER: trust.issuer,
    AUTH_AUDIENCE: trust.audience,
    AUTH_JWKS_URL: trust.jwksUrl,
    ...options.all,
  };
  // Each service as its own Kafka user, allowed what it is deployed with (kafka-acls.json).
  const env: Record<ServiceName, Record<string, string>> = {
    documents: {
      ...common,
      ...kafkaEnvironment('documents'),
      MONGODB_URL: run.database(servers.mongodb(), 'documents'),
    },
    bpm: { ...common, ...kafkaEnvironment('bpm'), MYSQL_URL: run.database(servers.mysql(), 'bpm') },
    search: {
      ...common,
      ...kafkaEnvironment('search'),
      MYSQL_URL: run.database(servers.mysql(), 'search'),
    },
    expedientes: {
      ...common,
      ...kafkaEnvironment('expedientes'),
      EVENT_STORE: 'mysql',
      MYSQL_URL: run.database(servers.mysql(), 'expedientes'),
      MONGODB_URL: run.database(servers.mongodb(), 'expedientes'),
      SAGA_RESPONSE_WAIT_MS: '8000',
      ...options.expedientes,
    },
  };
  const entries = await Promise.all(
    services.map(async (name) => {
      const processName = options.label ? `${name}-${options.label}` : name;
      return [
        name,
        new ServiceProcess(processName, serviceMain(name), await freePort(), env[name]),
      ];
    }),
  );
  return Object.fromEntries(entries) as Record<ServiceName, ServiceProcess>;
}

/** The browser login's two ends: the gateway, where browsers reach it, as auth's OIDC client. */
export interface GatewayLogin {
  readonly publicUrl: string;
  readonly clientSecret: string;
}

export function gatewayLogin(gatewayPort: number): GatewayLogin {
  return {
    publicUrl: `http://127.0.0.1:${gatewayPort}`,
    clientSecret: randomBytes(32).toString('base64url'),
  };
}

/** auth as its own process, issuing tokens at the gateway's /auth, with `env` added. */
export function authProcess(
  name: string,
  port: number,
  login: GatewayLogin,
  env: Record<string, string>,
): ServiceProcess {
  return new ServiceProcess(name, join(repoRoot, 'services/auth/dist/main.js'), port, {
    AUTH_ISSUER: `${login.publicUrl}/auth`,
    AUTH_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningKey()] }),
    AUTH_COOKIE_KEYS: generateCookieKey(),
    AUTH_GATEWAY_CLIENT_SECRET: login.clientSecret,
    AUTH_GATEWAY_REDIRECT_URIS: `${login.publicUrl}/login/callback`,
    AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS: `${login.publicUrl}/`,
    AUTH_TRUST_PROXY: 'true',
    ...env,
  });
}

/**
 * The gateway as its own process, logging browsers in through auth at `urls.auth` and calling
 * each service at `urls.service`, with `env` added.
 */
export function gatewayProcess(
  name: string,
  port: number,
  login: GatewayLogin,
  urls: { auth: string; service: (name: ServiceName) => string },
  env: Record<string, string>,
): ServiceProcess {
  return new ServiceProcess(name, join(repoRoot, 'gateway/dist/main.js'), port, {
    PUBLIC_URL: login.publicUrl,
    AUTH_URL: urls.auth,
    AUTH_GATEWAY_CLIENT_SECRET: login.clientSecret,
    GATEWAY_SESSION_SECRET: randomBytes(32).toString('base64url'),
    EXPEDIENTES_URL: urls.service('expedientes'),
    DOCUMENTS_URL: urls.service('documents'),
    BPM_URL: urls.service('bpm'),
    SEARCH_URL: urls.service('search'),
    // Its live updates as its own Kafka user, which may read expedientes.events only.
    ...kafkaEnvironment('gateway'),
    ...env,
  });
}

/** A machine client of auth: what a test calls the gateway's API as. */
export interface MachineClient {
  readonly clientId: string;
  readonly secret: string;
  readonly roles: readonly string[];
}

export interface GatewayPlatform {
  readonly publicUrl: string;
  /** The gateway last: stopped first, before what it calls. */
  readonly processes: readonly ServiceProcess[];
  stop(): Promise<void>;
}

/**
 * Every part its own process, as docker compose runs them: auth, the four services on Kafka
 * and the gateway in front, started in that order (the gateway discovers auth at its start);
 * `env` goes to every process, `gatewayEnv` to the gateway too. Their databases are made here.
 */
export async function gatewayPlatform(
  servers: Record<ServerKind, ServerUrl>,
  run: TestRun,
  options: {
    readonly label: string;
    readonly machineClients: readonly MachineClient[];
    readonly env?: Record<string, string>;
    readonly gatewayEnv?: Record<string, string>;
  },
): Promise<GatewayPlatform> {
  const { label, env = {} } = options;
  const databases = ['bpm', 'search', 'expedientes', 'auth', 'gateway'].map((name) =>
    run.database(servers.mysql(), name),
  );
  await Promise.all(databases.map((url) => MysqlDatabase.ensureDatabase(url)));
  const [gatewayPort, authPort] = await Promise.all([freePort(), freePort()]);
  const login = gatewayLogin(gatewayPort);
  const auth = authProcess(`auth-${label}`, authPort, login, {
    MYSQL_URL: run.database(servers.mysql(), 'auth'),
    AUTH_MACHINE_CLIENTS: JSON.stringify(options.machineClients),
    ...env,
  });
  const backends = await serviceProcesses(
    servers,
    run,
    {
      issuer: `${login.publicUrl}/auth`,
      audience: 'expedientes-api',
      jwksUrl: `${auth.url}/auth/jwks`,
    },
    { label, all: env },
  );
  const processes = [auth, ...Object.values(backends)];
  await Promise.all(processes.map((each) => each.start()));
  const gateway = gatewayProcess(
    `gateway-${label}`,
    gatewayPort,
    login,
    { auth: auth.url, service: (name) => backends[name].url },
    { MYSQL_URL: run.database(servers.mysql(), 'gateway'), ...env, ...options.gatewayEnv },
  );
  processes.push(gateway);
  await gateway.start();
  return {
    publicUrl: login.publicUrl,
    processes,
    stop: async () => {
      await gateway.stop();
      await Promise.all(processes.slice(0, -1).map((each) => each.stop()));
      await Promise.all(databases.map((url) => MysqlDatabase.dropDatabase(url)));
    },
  };
}

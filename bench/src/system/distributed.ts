import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectMongo } from '@expedientes/shared-kernel/adapters/mongodb';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { Balancer } from './balancer';
import { freePorts, ManagedProcess } from './managed-process';
import {
  BenchClients,
  commonSettings,
  Logger,
  machineClientsVariable,
  MonitoredProcess,
  repoRoot,
  RunningSystem,
  testServersDir,
} from './system';

export interface BenchServers {
  readonly kafka: string;
  readonly mysql: string;
  readonly mongodb: string;
  /**
   * The KAFKA_SASL_* variables of `account`'s own Kafka user (<ACCOUNT>_KAFKA_SASL_PASSWORD),
   * or the administrator's where there is none; nothing for a broker without SASL.
   */
  kafkaUser(account: string): Record<string, string | undefined>;
}

/** The servers of scripts/test-servers.sh: from the environment, else from `env`. */
export function serverUrls(): BenchServers {
  let lookup = (name: string): string | undefined => process.env[name];
  if (!lookup('KAFKA_BROKERS') || !lookup('MYSQL_URL') || !lookup('MONGODB_URL')) {
    const printed = execFileSync('bash', [join(repoRoot, 'scripts/test-servers.sh'), 'env'], {
      encoding: 'utf8',
    });
    const fromEnv = lookup;
    lookup = (name) => fromEnv(name) || new RegExp(`^export ${name}=(.*)$`, 'm').exec(printed)?.[1];
  }
  const [kafka, mysql, mongodb] = ['KAFKA_BROKERS', 'MYSQL_URL', 'MONGODB_URL'].map(lookup);
  if (!kafka || !mysql || !mongodb) {
    throw new Error('no KAFKA_BROKERS, MYSQL_URL or MONGODB_URL: see scripts/test-servers.sh');
  }
  const kafkaUser = (account: string) => {
    const mechanism = lookup('KAFKA_SASL_MECHANISM');
    if (!mechanism) return {};
    const own = lookup(`${account.toUpperCase()}_KAFKA_SASL_PASSWORD`);
    return {
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: own ? account : lookup('KAFKA_SASL_USERNAME'),
      KAFKA_SASL_PASSWORD: own ?? lookup('KAFKA_SASL_PASSWORD'),
    };
  };
  return { kafka, mysql, mongodb, kafkaUser };
}

/** The test servers' own processes, from their pid files (those that run). */
export function testServerProcesses(): MonitoredProcess[] {
  // As test-servers.sh tells its servers' processes from a stale pid file's.
  const markers: Record<string, string> = {
    kafka: 'kafka.Kafka',
    mariadb: 'mariadbd',
    ferretdb: 'ferretdb-launcher',
    postgres: 'bin/postgres', // FerretDB's storage, when it runs on PostgreSQL
  };
  const found: MonitoredProcess[] = [];
  for (const [name, marker] of Object.entries(markers)) {
    const file = join(testServersDir(), `${name}.pid`);
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!cmdline.includes(marker)) continue; // a stale pid file, reused by another process
    } catch {
      continue;
    }
    found.push({ name, pid, kind: 'server' });
  }
  return found;
}

const signingKeys = (): string => {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  return JSON.stringify({ keys: [{ ...key, kid: randomUUID(), alg: 'RS256', use: 'sig' }] });
};
const secret = (): string => randomBytes(32).toString('base64url');

/** `promise`, or a rejection after `ms`: a hung server must not keep the benchmark alive. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

const SERVICES = ['documents', 'bpm', 'search', 'expedientes'] as const;
type Service = (typeof SERVICES)[number];

/** One part's processes, one per port; with more than one, named `<name>-1`, `<name>-2`... */
const replicasOf = (
  name: string,
  ports: readonly number[],
  make: (name: string, port: number) => ManagedProcess,
): ManagedProcess[] =>
  ports.map((port, index) => make(ports.length === 1 ? name : `${name}-${index + 1}`, port));

/**
 * Every part its own process, as docker compose runs them: auth, the four services and the
 * gateway in front, on the test servers, with databases named after this run (created here
 * and dropped when it stops). With `replicas` > 1, that many of each service and of the
 * gateway, each set behind a local TCP balancer (what a Kubernetes Service is to its pods).
 */
export async function startDistributed(
  clients: BenchClients,
  runId: string,
  logDir: string,
  log: Logger,
  /** Told of the system before it starts, so that an interruption can stop it. */
  onStarting: (system: RunningSystem) => void = () => undefined,
  replicas = 1,
): Promise<RunningSystem> {
  const servers = serverUrls();
  mkdirSync(logDir, { recursive: true });
  const database = (server: string, name: string): string => {
    const url = new URL(server);
    url.pathname = `/bench_${runId}_${name}`;
    return url.toString();
  };
  const mysqlDatabases = ['auth', 'gateway', 'bpm', 'search', 'expedientes'].map((name) =>
    database(servers.mysql, name),
  );
  const mongoDatabases = ['documents', 'expedientes'].map((name) =>
    database(servers.mongodb, name),
  );

  // Every port at once, so that none is handed out twice.
  // Each gateway's own port (one alone takes the public one) and its operators' port.
  const gatewayPorts = (replicas === 1 ? 0 : replicas) + replicas;
  const ports = await freePorts(2 + SERVICES.length * (1 + replicas) + gatewayPorts);
  const take = (count: number): number[] => ports.splice(0, count);
  const [publicPort, authPort] = take(2) as [number, number];
  const frontPorts = take(SERVICES.length);
  const publicUrl = `http://127.0.0.1:${publicPort}`;
  const issuer = `${publicUrl}/auth`;
  const gatewayClientSecret = secret();
  const settings = { ...commonSettings };
  const logFile = (name: string) => join(logDir, `${name}.log`);

  const auth = new ManagedProcess(
    'auth',
    join(repoRoot, 'services/auth/dist/main.js'),
    authPort as number,
    {
      MYSQL_URL: database(servers.mysql, 'auth'),
      AUTH_ISSUER: issuer,
      AUTH_SIGNING_KEYS: signingKeys(),
      AUTH_COOKIE_KEYS: secret(),
      AUTH_GATEWAY_CLIENT_SECRET: gatewayClientSecret,
      AUTH_GATEWAY_REDIRECT_URIS: `${publicUrl}/login/callback`,
      AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS: `${publicUrl}/`,
      AUTH_TRUST_PROXY: 'true',
      AUTH_MACHINE_CLIENTS: machineClientsVariable(clients),
    },
    logFile('auth'),
  );
  const common = {
    KAFKA_BROKERS: servers.kafka,
    AUTH_ISSUER: issuer,
    AUTH_AUDIENCE: 'expedientes-api',
    AUTH_JWKS_URL: `${auth.url}/auth/jwks`,
  };
  const serviceEnv: Record<Service, Record<string, string | undefined>> = {
    documents: {
      ...common,
      MYSQL_URL: undefined,
      MONGODB_URL: database(servers.mongodb, 'documents'),
    },
    bpm: { ...common, MONGODB_URL: undefined, MYSQL_URL: database(servers.mysql, 'bpm') },
    search: { ...common, MONGODB_URL: undefined, MYSQL_URL: database(servers.mysql, 'search') },
    expedientes: {
      ...common,
      EVENT_STORE: 'mysql',
      MYSQL_URL: database(servers.mysql, 'expedientes'),
      MONGODB_URL: database(servers.mongodb, 'expedientes'),
    },
  };
  const services = Object.fromEntries(
    SERVICES.map((name) => {
      const make = (replica: string, port: number) =>
        new ManagedProcess(
          replica,
          join(repoRoot, 'services', name, 'dist/main.js'),
          port,
          { ...serviceEnv[name], ...servers.kafkaUser(name) },
          logFile(replica),
        );
      return [name, replicasOf(name, take(replicas), make)] as const;
    }),
  ) as Record<Service, ManagedProcess[]>;
  // Where the gateway and the benchmark reach each service: its one process, or its balancer.
  const frontOf = Object.fromEntries(
    SERVICES.map((name, index) => [
      name,
      replicas === 1 ? services[name][0]?.url : `http://127.0.0.1:${frontPorts[index]}`,
    ]),
  ) as Record<Service, string>;
  const gatewayEnv = {
    PUBLIC_URL: publicUrl,
    AUTH_URL: auth.url,
    AUTH_GATEWAY_CLIENT_SECRET: gatewayClientSecret,
    // One for all replicas: a session cookie signed by one is good at the others.
    GATEWAY_SESSION_SECRET: secret(),
    EXPEDIENTES_URL: frontOf.expedientes,
    DOCUMENTS_URL: frontOf.documents,
    BPM_URL: frontOf.bpm,
    SEARCH_URL: frontOf.search,
    MYSQL_URL: database(servers.mysql, 'gateway'),
    MONGODB_URL: undefined,
    KAFKA_BROKERS: servers.kafka,
    ...servers.kafkaUser('gateway'),
    ...settings,
  };
  // One gateway answers at the public port itself; several, behind a balancer there.
  const gateways = replicasOf(
    'gateway',
    replicas === 1 ? [publicPort] : take(replicas),
    (name, port) =>
      new ManagedProcess(
        name,
        join(repoRoot, 'gateway/dist/main.js'),
        port,
        { ...gatewayEnv, OPS_PORT: String(take(1)[0]) },
        logFile(name),
      ),
  );
  const serviceProcesses = SERVICES.flatMap((name) => services[name]);
  const balancers: Balancer[] = [];
  const nodeProcesses = [...gateways, auth, ...serviceProcesses];

  let created = false;
  let stopped: Promise<void> | undefined;
  const system: RunningSystem = {
    mode: 'distributed',
    baseUrl: publicUrl,
    logDir,
    rebuildReadModelsUrl: `${frontOf.expedientes}/admin/rebuild-read-models`,
    rebuildSearchUrl: `${frontOf.search}/admin/rebuild`,
    // One replica's: the rebuild scenario waits for its consumer to go quiet.
    searchMetricsUrl: `${services.search[0]?.url}/metrics`,
    settings: {
      ...settings,
      KAFKA_BROKERS: servers.kafka,
      MYSQL: `${new URL(servers.mysql).host}, databases bench_${runId}_*`,
      MONGODB: `${new URL(servers.mongodb).host}, databases bench_${runId}_*`,
      EVENT_STORE: 'mysql',
      REPLICAS: String(replicas),
    },
    replicas: replicas > 1 ? serviceProcesses : [],
    processes: () => [
      ...nodeProcesses.flatMap((each): MonitoredProcess[] =>
        each.pid === undefined ? [] : [{ name: each.name, pid: each.pid, kind: 'node' }],
      ),
      ...testServerProcesses(),
    ],
    stop: () =>
      (stopped ??= (async () => {
        // The gateway first, then what it calls, auth last.
        await Promise.all(gateways.map((each) => each.stop()));
        await Promise.all(serviceProcesses.map((each) => each.stop()));
        await auth.stop();
        await Promise.all(balancers.map((each) => each.stop()));
        if (!created) return;
        log('distributed: dropping the databases of this run');
        const drops = [
          ...mysqlDatabases.map((url) => MysqlDatabase.dropDatabase(url)),
          ...mongoDatabases.map(async (url) => {
            const connection = await connectMongo(url, { appName: 'bench', maxAttempts: 2 });
            try {
              await connection.db().dropDatabase();
            } finally {
              await connection.close();
            }
          }),
        ].map((drop) => within(30_000, drop));
        const outcomes = await Promise.allSettled(drops);
        outcomes.forEach((each, index) => {
          if (each.status === 'fulfilled') return;
          const url = new URL([...mysqlDatabases, ...mongoDatabases][index] as string);
          log(`distributed: could not drop ${url.host}${url.pathname}: ${String(each.reason)}`);
        });
      })()),
  };

  onStarting(system);
  const t0 = Date.now();
  try {
    log(
      `distributed: Kafka ${servers.kafka}, MySQL ${new URL(servers.mysql).host}, ` +
        `MongoDB ${new URL(servers.mongodb).host}; databases bench_${runId}_*; logs in ${logDir}`,
    );
    created = true;
    await Promise.all(mysqlDatabases.map((url) => MysqlDatabase.ensureDatabase(url)));
    if (replicas > 1) {
      for (const [index, name] of SERVICES.entries()) {
        const ports = services[name].map((each) => each.port);
        balancers.push(await Balancer.start(ports, frontPorts[index]));
      }
      balancers.push(
        await Balancer.start(
          gateways.map((each) => each.port),
          publicPort,
        ),
      );
    }
    auth.start();
    for (const each of serviceProcesses) each.start();
    await Promise.all([auth, ...serviceProcesses].map((each) => each.waitUntilReady(180_000)));
    for (const each of gateways) each.start();
    await Promise.all(gateways.map((each) => each.waitUntilReady(120_000)));
  } catch (error) {
    await system.stop();
    throw error;
  }
  log(`distributed: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return system;
}

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Credentials } from '../api';
import type { InstructionCounter } from './instruction-counter';
import type { ManagedProcess } from './managed-process';

/** The repository's root: bench/dist/src/system/ → four levels up. */
export const repoRoot = (() => {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'gateway')) && existsSync(join(dir, 'shared-kernel'))) return dir;
    dir = resolve(dir, '..');
  }
  return resolve(__dirname, '../../../..');
})();

/** Where the test servers of scripts/test-servers.sh keep their pid files. */
export const testServersDir = (): string =>
  process.env.TEST_SERVERS_DIR ?? join(repoRoot, '.servers');

/** One process whose CPU and memory the benchmark accounts for. */
export interface MonitoredProcess {
  readonly name: string;
  readonly pid: number;
  /** `node`: started by the benchmark; `server`: a test server it found running. */
  readonly kind: 'node' | 'server';
}

/** The platform, started by the benchmark, until `stop`. */
export interface RunningSystem {
  readonly mode: 'embedded' | 'distributed';
  /** The gateway: the public API, /auth, /health. */
  readonly baseUrl: string;
  /** expedientes' POST /admin/rebuild-read-models. */
  readonly rebuildReadModelsUrl: string;
  /** search's POST /admin/rebuild. */
  readonly rebuildSearchUrl: string;
  /** The Prometheus metrics of the process that runs search. */
  readonly searchMetricsUrl: string;
  /** Where the processes' logs are, one `<name>.log` each. */
  readonly logDir: string;
  /** What the run was configured with, for the report (no secrets). */
  readonly settings: Record<string, string>;
  /** The services' processes that `chaos` may kill and start again (none with one of each). */
  readonly replicas: readonly ManagedProcess[];
  processes(): MonitoredProcess[];
  /** The platform's instructions (`--instructions`, embedded only). */
  readonly instructions?: InstructionCounter;
  /** Stops what it started and deletes its data; safe to call more than once. */
  stop(): Promise<void>;
}

/** The two machine clients the benchmark signs in as. */
export interface BenchClients {
  /** Opens, moves phases (tramitador, validador) and reads. */
  readonly user: Credentials;
  /** Rebuilds the read models and the search index (admin). */
  readonly admin: Credentials;
}

export function newClients(): BenchClients {
  const secret = () => randomBytes(32).toString('base64url');
  return {
    user: { clientId: 'bench', secret: secret() },
    admin: { clientId: 'bench-admin', secret: secret() },
  };
}

/** AUTH_MACHINE_CLIENTS for `clients`. */
export const machineClientsVariable = (clients: BenchClients): string =>
  JSON.stringify([
    { ...clients.user, roles: ['tramitador', 'validador'] },
    { ...clients.admin, roles: ['admin'] },
  ]);

/**
 * Settings every mode gets: the per-caller rate limit lifted (the benchmark is one caller
 * doing the work of many; left at 600 a minute it would measure the limiter).
 */
export const commonSettings: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: '1000000000',
};

/** Variables of the parent that must not leak into a child (it gets its own). */
export const SERVER_VARIABLES = [
  'KAFKA_BROKERS',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'MYSQL_URL',
  'MONGODB_URL',
  'EVENTSTORE_URL',
];

export type Logger = (message: string) => void;

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Callgrind, callgrindLauncher, callgrindMissing } from './instruction-counter';
import { freePorts, ManagedProcess } from './managed-process';
import {
  BenchClients,
  commonSettings,
  Logger,
  machineClientsVariable,
  repoRoot,
  RunningSystem,
  SERVER_VARIABLES,
} from './system';

/**
 * `node gateway/dist/embedded/main.js` on a fresh DATA_DIR, deleted when it stops; with
 * `instructions`, under callgrind, which counts them (see `InstructionCounter`).
 */
export async function startEmbedded(
  clients: BenchClients,
  logDir: string,
  log: Logger,
  /** Told of the system before it starts, so that an interruption can stop it. */
  onStarting: (system: RunningSystem) => void = () => undefined,
  instructions = false,
): Promise<RunningSystem> {
  const missing = instructions ? callgrindMissing() : null;
  if (missing) throw new Error(`--instructions: ${missing}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'expedientes-bench-'));
  mkdirSync(logDir, { recursive: true });
  const [port, opsPort] = (await freePorts(2)) as [number, number];
  const url = `http://127.0.0.1:${port}`;
  const callgrindOut = join(logDir, 'callgrind.out');
  const unset = Object.fromEntries(SERVER_VARIABLES.map((name) => [name, undefined]));
  // The caller's choice, named in the report: the figures depend on it.
  const settings = {
    ...commonSettings,
    EMBEDDED_DURABILITY: process.env.EMBEDDED_DURABILITY ?? 'power-cut',
  };
  const embedded = new ManagedProcess(
    'embedded',
    join(repoRoot, 'gateway/dist/embedded/main.js'),
    port,
    {
      ...unset,
      DATA_DIR: dataDir,
      PUBLIC_URL: url,
      OPS_PORT: String(opsPort),
      AUTH_MACHINE_CLIENTS: machineClientsVariable(clients),
      ...settings,
    },
    join(logDir, 'embedded.log'),
    instructions ? callgrindLauncher(callgrindOut) : [],
  );

  let stopped: Promise<void> | undefined;
  const system: RunningSystem = {
    mode: 'embedded',
    baseUrl: url,
    logDir,
    rebuildReadModelsUrl: `http://127.0.0.1:${opsPort}/internal/expedientes/admin/rebuild-read-models`,
    rebuildSearchUrl: `http://127.0.0.1:${opsPort}/internal/search/admin/rebuild`,
    searchMetricsUrl: `http://127.0.0.1:${opsPort}/metrics`,
    settings: { ...settings, DATA_DIR: '(fresh temporary directory)' },
    replicas: [],
    ...(instructions ? { instructions: new Callgrind(() => embedded.pid, callgrindOut) } : {}),
    processes: () =>
      embedded.pid === undefined ? [] : [{ name: 'embedded', pid: embedded.pid, kind: 'node' }],
    stop: () =>
      (stopped ??= (async () => {
        await embedded.stop();
        rmSync(dataDir, { recursive: true, force: true });
      })()),
  };

  onStarting(system);
  log(`embedded: starting on ${url} (DATA_DIR ${dataDir}, log ${embedded.logFile})`);
  const t0 = Date.now();
  try {
    embedded.start();
    // Valgrind translates every function before it first runs: minutes, not seconds.
    await embedded.waitUntilReady(instructions ? 900_000 : 120_000);
  } catch (error) {
    await system.stop();
    throw error;
  }
  log(`embedded: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return system;
}

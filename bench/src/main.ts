import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Api, TokenSource } from './api';
import { HttpClient } from './http';
import { Options, parseArgs, ScenarioName, USAGE, UsageError } from './options';
import { clockTicksPerSecond } from './proc';
import { hostGauge } from './gauge';
import { HostGauge, machine, markdown, Report } from './report';
import { chaosScenario } from './scenarios/chaos';
import { Context, ScenarioResult } from './scenarios/harness';
import { readScenarios, visibilityScenario } from './scenarios/reads';
import { idleScenario, overloadScenario, rebuildScenarios } from './scenarios/system-scenarios';
import {
  loadScenario,
  openRateScenario,
  openScenario,
  transitionScenario,
} from './scenarios/writes';
import { startDistributed } from './system/distributed';
import { startEmbedded } from './system/embedded';
import { killAllNow, profileChildren } from './system/managed-process';
import { newClients, RunningSystem, testServersDir } from './system/system';

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

const RUNNERS: Record<ScenarioName, (context: Context) => Promise<ScenarioResult[]>> = {
  idle: async (context) => [await idleScenario(context)],
  open: async (context) => [await openScenario(context)],
  'open-rate': async (context) => [await openRateScenario(context)],
  transition: async (context) => [await transitionScenario(context)],
  load: async (context) => [await loadScenario(context)],
  read: readScenarios,
  visibility: async (context) => [await visibilityScenario(context)],
  rebuild: rebuildScenarios,
  overload: async (context) => [await overloadScenario(context)],
  chaos: async (context) => [await chaosScenario(context)],
};

/** Writes the markdown (also to stdout) and the JSON; returns the markdown's path. */
function writeReport(report: Report, out: string, stamp: string): string {
  mkdirSync(out, { recursive: true });
  const base = join(out, `bench-${report.mode}-${stamp}`);
  const text = markdown(report);
  writeFileSync(`${base}.md`, text);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${text}`);
  return base;
}

async function run(options: Options): Promise<number> {
  const startedAt = new Date();
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const runId = randomBytes(4).toString('hex');
  const ticksPerSecond = clockTicksPerSecond();
  const logDir = join(options.out, `bench-${options.mode}-${stamp}-logs`);
  const clients = newClients();
  const http = new HttpClient(options.timeoutSeconds * 1000);
  const scenarios: ScenarioResult[] = [];
  let system: RunningSystem | undefined;
  let aborted: string | undefined;
  let gauge: HostGauge | undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      http.close();
      if (system) {
        log('stopping what the benchmark started');
        await system.stop();
      }
    })());

  const report = (): Report => ({
    tool: '@expedientes/bench',
    mode: options.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(ticksPerSecond),
    ...(gauge ? { hostGauge: gauge } : {}),
    options,
    settings: system?.settings ?? {},
    scenarios,
    errorCount: scenarios.reduce((sum, each) => sum + each.errorCount, 0),
    ...(aborted ? { aborted } : {}),
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log(`${signal} again: killing everything now`);
      killAllNow();
      process.exit(130);
    }
    log(`${signal}: stopping (again to kill at once)`);
    aborted = `interrupted by ${signal}`;
    void stop().finally(() => {
      if (scenarios.length > 0) writeReport(report(), options.out, stamp);
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  try {
    log(
      `${options.mode} mode, scenarios ${options.scenarios.join(', ')}` +
        (options.smoke ? ' (smoke sizes)' : ''),
    );
    if (options.profile) profileChildren();
    const starting = (each: RunningSystem) => (system = each);
    system =
      options.mode === 'embedded'
        ? await startEmbedded(clients, logDir, log, starting, options.instructions)
        : await startDistributed(clients, runId, logDir, log, starting, options.replicas);
    const tokenUrl = `${system.baseUrl}/auth/token`;
    const api = new Api(
      http,
      system.baseUrl,
      new TokenSource(http, tokenUrl, clients.user),
      new TokenSource(http, tokenUrl, clients.admin),
    );
    await api.warmUp();
    gauge = { before: hostGauge() };
    const context: Context = {
      options,
      system,
      http,
      api,
      runId,
      ticksPerSecond,
      log,
      known: [],
      fresh: [],
      sequence: 1,
    };
    for (const name of options.scenarios) {
      if (aborted) break;
      const results = await RUNNERS[name](context);
      scenarios.push(...results);
      const failed = results.find((each) => each.operations === 0 && each.errorCount > 0);
      if (failed && !aborted) {
        // Nothing went through: the system is not working, the rest would only wait.
        aborted = `${failed.name} completed nothing, with ${failed.errorCount} errors`;
        log(`${aborted}: stopping here`);
      }
    }
    gauge = { ...gauge, after: hostGauge() };
  } catch (error) {
    aborted = error instanceof Error ? error.message : String(error);
    log(`failed: ${aborted}`);
  } finally {
    await stop();
  }
  if (signals > 0) return new Promise(() => undefined); // the signal handler exits

  const final = report();
  const base = writeReport(final, options.out, stamp);
  log(`report: ${base}.md and ${base}.json; process logs in ${logDir}`);
  if (final.aborted) return 1;
  if (final.errorCount > 0) {
    log(`${final.errorCount} errors: exit status 1`);
    return 1;
  }
  return 0;
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2), join(testServersDir(), 'bench'));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  const code = await run({ ...options, out: resolve(options.out) });
  process.exit(code);
}

process.on('unhandledRejection', (error) => {
  log(`unexpected: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killAllNow();
  process.exit(1);
});

void main();

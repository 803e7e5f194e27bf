import { setTimeout as sleep } from 'node:timers/promises';
import { Api } from '../api';
import { HttpClient, now } from '../http';
import { Options } from '../options';
import {
  cpuMsBetween,
  growth,
  perOperation,
  readAllProcStats,
  readPeakRssKb,
  readWriteCalls,
  treeTicks,
  treeWriteCalls,
} from '../proc';
import { Samples, Summary } from '../stats';
import { logTrail } from '../system/log-trail';
import { MonitoredProcess, RunningSystem } from '../system/system';

/** An expediente the benchmark created and knows the id of. */
export interface Known {
  readonly id: string;
  readonly codigo: string;
  /** The word of its description that no other expediente has (found by search). */
  readonly token: string;
  fase: string;
}

/** What every scenario shares: the system, its API, what was created so far. */
export interface Context {
  readonly options: Options;
  readonly system: RunningSystem;
  readonly http: HttpClient;
  readonly api: Api;
  readonly runId: string;
  readonly ticksPerSecond: number;
  readonly log: (message: string) => void;
  /** Every expediente opened, in order. */
  readonly known: Known[];
  /** Those still in Fase inicial that no transition scenario has taken. */
  readonly fresh: Known[];
  /** Opens/s of the `open` scenario, the base of `overload`. */
  openThroughput?: number;
  /** Next number for a codigo. */
  sequence: number;
}

/** One process's share of a scenario. */
export interface ProcessFigures {
  readonly name: string;
  readonly kind: MonitoredProcess['kind'] | 'client';
  readonly cpuMs: number | null;
  readonly cpuMsPerOperation: number | null;
  /** Write system calls (messages sent, file writes) per operation; see `parseWriteCalls`. */
  readonly writeCallsPerOperation: number | null;
  /** VmHWM after the scenario: the process's peak RSS since it started. */
  readonly peakRssKb: number | null;
}

export interface AnswerFigures {
  readonly count: number;
  readonly latency: Summary | null;
}

export interface VisibilityFigures {
  readonly sampled: number;
  readonly notSampled: number;
  readonly detail: Summary | null;
  readonly list: Summary | null;
  readonly search: Summary | null;
}

export interface RebuildFigures {
  readonly events: number | null;
  readonly seconds: number;
  readonly eventsPerSecond: number | null;
}

/** Every figure of one scenario (or one part of it: read-detail, rebuild-search...). */
export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  /** What one operation is: an open, a transition, a read, an event replayed. */
  readonly operation: string;
  readonly operations: number;
  readonly requests: number;
  readonly seconds: number;
  readonly throughput: number | null;
  /** Of the answers that count as done or accepted (200/201/202), in ms. */
  readonly latency: Summary | null;
  readonly accepted: number;
  readonly acceptedShare: number | null;
  readonly answers: Record<string, AnswerFigures>;
  readonly errors: Record<string, number>;
  readonly errorCount: number;
  readonly errorExamples: readonly string[];
  readonly processes: readonly ProcessFigures[];
  /** Summed over the platform's Node processes, and over the test servers' processes. */
  readonly nodeCpuMsPerOperation: number | null;
  readonly serverCpuMsPerOperation: number | null;
  /** The platform's instructions in user space per operation (`--instructions`). */
  readonly instructionsPerOperation?: number | null;
  readonly notes: readonly string[];
  /** Expedientes in the system while it ran, for the reads and rebuilds. */
  readonly loaded?: number;
  readonly visibility?: VisibilityFigures;
  readonly rebuild?: RebuildFigures;
}

/** What a scenario notes while it runs. */
export class Recorder {
  readonly latency = new Samples();
  readonly answers = new Map<string, Samples>();
  readonly errors = new Map<string, number>();
  readonly errorExamples: string[] = [];
  readonly notes: string[] = [];
  /** Work that belongs to the scenario and must end before it is measured (sagas). */
  readonly pending: Promise<unknown>[] = [];
  operations = 0;
  requests = 0;
  accepted = 0;
  loaded?: number;
  visibility?: VisibilityFigures;
  rebuild?: RebuildFigures;

  answer(kind: string, ms: number): void {
    let samples = this.answers.get(kind);
    if (!samples) this.answers.set(kind, (samples = new Samples()));
    samples.add(ms);
  }

  /** Correlation ids of a few failed operations, whose log trails are shown. */
  readonly failedCorrelations: string[] = [];

  /**
   * Counts an error; keeps a few examples of each kind, so that every kind shows one, and the
   * correlation id of the request, if known, for its trail.
   */
  error(kind: string, detail: string, correlationId?: string): void {
    const count = (this.errors.get(kind) ?? 0) + 1;
    this.errors.set(kind, count);
    if (count <= 3 && this.errorExamples.length < 20) this.errorExamples.push(`${kind}: ${detail}`);
    if (correlationId && this.failedCorrelations.length < 5) {
      this.failedCorrelations.push(correlationId);
    }
  }

  get errorCount(): number {
    let count = 0;
    for (const value of this.errors.values()) count += value;
    return count;
  }
}

interface Reading {
  readonly at: number;
  readonly ticks: Map<string, number | null>;
  readonly writeCalls: Map<string, number | null>;
}

type Accounted = Omit<MonitoredProcess, 'kind'> & { readonly kind: ProcessFigures['kind'] };

function read(processes: readonly Accounted[]): Reading {
  const stats = readAllProcStats();
  const ticks = new Map<string, number | null>();
  const writeCalls = new Map<string, number | null>();
  for (const each of processes) {
    if (each.kind === 'client') {
      // Its own threads only: the processes it started are its children, counted apart.
      const own = stats.get(each.pid);
      ticks.set(each.name, own ? own.utime + own.stime : null);
      writeCalls.set(each.name, readWriteCalls(each.pid));
    } else {
      ticks.set(each.name, treeTicks(each.pid, stats));
      writeCalls.set(each.name, treeWriteCalls(each.pid, stats));
    }
  }
  return { at: now(), ticks, writeCalls };
}

const CLIENT = 'bench (client)';

/**
 * Runs `body` as scenario `name`: CPU of every process before and after (after the work it
 * left pending has ended too), divided by the operations it counted.
 */
export async function measure(
  context: Context,
  spec: { name: string; title: string; operation: string },
  body: (recorder: Recorder) => Promise<void>,
  /** What checks the outcome afterwards, outside the figures (a count of the rebuilt list). */
  check?: (recorder: Recorder) => Promise<void>,
): Promise<ScenarioResult> {
  context.http.reset();
  const processes: Accounted[] = [
    ...context.system.processes(),
    { name: CLIENT, pid: process.pid, kind: 'client' as const },
  ];
  const recorder = new Recorder();
  context.log(`${spec.name}: ${spec.title}`);
  const counter = context.system.instructions;
  counter?.start();
  const before = read(processes);
  const run = async (work: (recorder: Recorder) => Promise<void>) => {
    try {
      await work(recorder);
    } catch (error) {
      recorder.error('scenario failed', error instanceof Error ? error.message : String(error));
    }
  };
  await run(body);
  await Promise.all(recorder.pending);
  const after = read(processes);
  const instructions = counter?.stop();
  if (check) await run(check);
  for (const correlationId of recorder.failedCorrelations) {
    const trail = logTrail(context.system.logDir, correlationId);
    context.log(
      `${spec.name}: log lines of failed request ${correlationId}:\n` +
        (trail.length > 0 ? trail.join('\n') : '(none)'),
    );
  }
  const seconds = (after.at - before.at) / 1000;

  const figures: ProcessFigures[] = processes.map((each) => {
    const cpuMs = cpuMsBetween(
      before.ticks.get(each.name) ?? null,
      after.ticks.get(each.name) ?? null,
      context.ticksPerSecond,
    );
    const writeCalls = growth(
      before.writeCalls.get(each.name) ?? null,
      after.writeCalls.get(each.name) ?? null,
    );
    return {
      name: each.name,
      kind: each.kind,
      cpuMs,
      cpuMsPerOperation: perOperation(cpuMs, recorder.operations),
      writeCallsPerOperation: perOperation(writeCalls, recorder.operations),
      peakRssKb: readPeakRssKb(each.pid),
    };
  });
  const sumOf = (kind: ProcessFigures['kind']): number | null => {
    const ofKind = figures.filter((each) => each.kind === kind);
    if (ofKind.length === 0 || ofKind.some((each) => each.cpuMs === null)) return null;
    return perOperation(
      ofKind.reduce((sum, each) => sum + (each.cpuMs ?? 0), 0),
      recorder.operations,
    );
  };
  const answers: Record<string, AnswerFigures> = {};
  for (const [kind, samples] of [...recorder.answers.entries()].sort()) {
    answers[kind] = { count: samples.count, latency: samples.summary() };
  }
  const answered = recorder.latency.count;
  const result: ScenarioResult = {
    ...spec,
    operations: recorder.operations,
    requests: recorder.requests,
    seconds,
    // A rebuild times itself (from its request to its last event), not the checks around it.
    throughput: recorder.rebuild
      ? recorder.rebuild.eventsPerSecond
      : seconds > 0 && recorder.operations > 0
        ? recorder.operations / seconds
        : null,
    latency: recorder.latency.summary(),
    accepted: recorder.accepted,
    acceptedShare: answered > 0 ? recorder.accepted / answered : null,
    answers,
    errors: Object.fromEntries(recorder.errors),
    errorCount: recorder.errorCount,
    errorExamples: recorder.errorExamples,
    processes: figures,
    nodeCpuMsPerOperation: sumOf('node'),
    serverCpuMsPerOperation: sumOf('server'),
    ...(counter
      ? { instructionsPerOperation: perOperation(instructions ?? null, recorder.operations) }
      : {}),
    notes: recorder.notes,
    ...(recorder.loaded !== undefined ? { loaded: recorder.loaded } : {}),
    ...(recorder.visibility ? { visibility: recorder.visibility } : {}),
    ...(recorder.rebuild ? { rebuild: recorder.rebuild } : {}),
  };
  const cpu = result.nodeCpuMsPerOperation;
  context.log(
    `${spec.name}: ${result.operations} ${spec.operation}s in ${seconds.toFixed(1)} s` +
      (result.throughput !== null ? `, ${result.throughput.toFixed(1)}/s` : '') +
      (result.latency ? `, p50 ${result.latency.p50.toFixed(1)} ms` : '') +
      (cpu !== null ? `, ${cpu.toFixed(2)} CPU-ms/${spec.operation} (Node)` : '') +
      (result.instructionsPerOperation
        ? `, ${millions(result.instructionsPerOperation)} M instructions/${spec.operation}`
        : '') +
      (result.accepted > 0 ? `, ${result.accepted} × 202` : '') +
      (result.errorCount > 0 ? `, ${result.errorCount} ERRORS` : ''),
  );
  return result;
}

/** Instructions in millions, to the thousand. */
export const millions = (instructions: number): string => (instructions / 1e6).toFixed(3);

/** A scenario stops early once it has seen this many errors: the system is not working. */
export const ERROR_LIMIT = 500;

/** The errors a preparation step met count in the scenario it prepared. */
export function carryErrors(from: Recorder, to: Recorder): void {
  for (const [kind, count] of from.errors) to.errors.set(kind, (to.errors.get(kind) ?? 0) + count);
  to.errorExamples.push(...from.errorExamples.slice(0, 20 - to.errorExamples.length));
}

/** What a warm-up did, to carry into the scenario it warmed. */
export interface WarmedUp {
  readonly recorder: Recorder;
  readonly note: string;
  /** Operations per second in the last round (0 if there was none). */
  readonly perSecond: number;
}

/**
 * Untimed work before a measured scenario, for the option's `warmUpSeconds`, in rounds whose
 * CPU per operation (the platform's processes) goes into the note: a reader sees whether it
 * had levelled off. On 2 cores the distributed mode's six processes take two minutes and more
 * to run an open's code at full speed (79 CPU-ms in the first 5 s, 46 after a minute, 24–25
 * after two and a half), so a figure taken sooner measures the compilers as much as the
 * flow. `prepare` runs before each round, outside its figure, told the operations per second
 * of the round before and how long the next one lasts at most.
 */
export async function warmUp(
  context: Context,
  operation: string,
  round: (recorder: Recorder, deadline: number) => Promise<void>,
  prepare: (perSecond: number, roundSeconds: number) => Promise<Recorder | void> = async () =>
    undefined,
): Promise<WarmedUp> {
  const { warmUpSeconds } = context.options;
  const roundSeconds = warmUpRoundSeconds(warmUpSeconds);
  const recorder = new Recorder();
  const platform = context.system.processes().filter((each) => each.kind === 'node');
  const rounds: string[] = [];
  const end = now() + warmUpSeconds * 1000;
  let perSecond = 0;
  context.log(`${operation}: warming up for ${warmUpSeconds} s`);
  while (now() < end && recorder.errorCount < ERROR_LIMIT) {
    const prepared = await prepare(perSecond, roundSeconds);
    if (prepared) carryErrors(prepared, recorder);
    // A preparation that used up the warm-up leaves no round: an empty one would tell nothing.
    if (now() >= end) break;
    const operationsBefore = recorder.operations;
    const before = read(platform);
    await round(recorder, Math.min(end, now() + roundSeconds * 1000));
    await Promise.all(recorder.pending);
    const after = read(platform);
    const operations = recorder.operations - operationsBefore;
    perSecond = operations / Math.max(0.001, (after.at - before.at) / 1000);
    const cpuMs = cpuMsBetween(summedTicks(before), summedTicks(after), context.ticksPerSecond);
    rounds.push(perOperation(cpuMs, operations)?.toFixed(1) ?? '?');
  }
  const note =
    `after a warm-up of ${warmUpSeconds} s, ${recorder.operations} ${operation}s; ` +
    `CPU-ms per ${operation} (Node) by round of ${roundSeconds} s: ${rounds.join(', ')}`;
  context.log(`${operation}: ${note}`);
  return { recorder, note, perSecond };
}

/** Rounds of a sixth of the warm-up, between 1 and 5 s. */
const warmUpRoundSeconds = (warmUpSeconds: number): number =>
  Math.min(5, Math.max(1, Math.round(warmUpSeconds / 6)));

/** The ticks of the processes read, summed; null if one of them was unreadable. */
function summedTicks(reading: Reading): number | null {
  let sum = 0;
  for (const ticks of reading.ticks.values()) {
    if (ticks === null) return null;
    sum += ticks;
  }
  return sum;
}

/**
 * `clients` workers calling `step` one after the other until it returns false or the
 * deadline passes (closed loop: a new request only when the last one answered).
 */
export async function closedLoop(
  clients: number,
  deadline: number,
  step: (worker: number) => Promise<boolean>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      while (now() < deadline) {
        if (!(await step(worker))) return;
      }
    }),
  );
}

/**
 * Open loop: `count` calls at `ratePerSecond`, each at its scheduled time whatever the
 * earlier ones are doing; `send` gets that time, from which its latency is measured (a late
 * start, the client's or the server's, counts against the system, never hidden).
 */
export async function openLoop(
  ratePerSecond: number,
  count: number,
  send: (scheduledAt: number, index: number) => Promise<void>,
): Promise<void> {
  const interval = 1000 / ratePerSecond;
  const start = now() + 5;
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const scheduledAt = start + index * interval;
    const wait = scheduledAt - now();
    if (wait > 1) await sleep(wait);
    inFlight.push(send(scheduledAt, index));
  }
  await Promise.all(inFlight);
}

/** A random element of a non-empty list. */
export const pick = <T>(list: readonly T[]): T =>
  list[Math.floor(Math.random() * list.length)] as T;

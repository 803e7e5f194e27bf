import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { correlationOf, jsonOf, kindOf, now, Outcome } from '../http';
import { testServerProcesses } from '../system/distributed';
import { repoRoot } from '../system/system';
import { Context, Known, measure, openLoop, pick, Recorder, ScenarioResult } from './harness';
import { describe, LOAD_FILE_BYTES, openOne, SAGA_TIMEOUT_MS } from './opening';

/** Where each expediente opened under chaos goes, one step after the other. */
const WALK = ['ANALISIS_TECNICO', 'VALIDACION', 'FINALIZADO'] as const;

/** How long the read models and the index may take to show everything after the run. */
const SETTLE_MS = 90_000;
/** Expedientes checked at once. */
const CHECKERS = 8;

const run = promisify(execFile);

/** The JSON of a 200, else undefined (a check asks again). */
const okBody = <T>(outcome: Outcome): T | undefined =>
  outcome.ok && outcome.status === 200 ? jsonOf<T>(outcome) : undefined;

/** An expediente of the run and the phases its transitions reached, in order. */
interface Walked {
  readonly known: Known;
  readonly reached: string[];
}

/**
 * Load through the gateway at a steady rate while one replica of a random service is
 * SIGKILLed and started again every few seconds, and the broker is restarted once half-way.
 * Clients must see no 5xx and no network error; afterwards every expediente must be in the
 * list and the search index exactly once, with each phase it went through once in its history.
 */
export async function chaosScenario(context: Context): Promise<ScenarioResult> {
  const { chaosRate, chaosIntervalSeconds, durationSeconds } = context.options;
  const targets = context.system.replicas;
  return measure(
    context,
    {
      name: 'chaos',
      title:
        `opens at ${chaosRate}/s for ${durationSeconds} s, each walked to Finalizado, with ` +
        `${targets.length} service replicas; one SIGKILLed and restarted every ` +
        `${chaosIntervalSeconds} s, the broker restarted once`,
      operation: 'change',
    },
    async (recorder) => {
      const walked: Walked[] = [];
      const knownBefore = context.known.length;
      const deadline = now() + durationSeconds * 1000;
      const chaos = unleash(context, recorder, deadline);
      await openLoop(chaosRate, Math.max(1, Math.round(chaosRate * durationSeconds)), (at) =>
        openOne(context, recorder, {
          fileBytes: LOAD_FILE_BYTES,
          scheduledAt: at,
          onCreated: (known) => recorder.pending.push(walk(context, recorder, known, walked)),
        }),
      );
      await chaos;
      await Promise.all(recorder.pending);
      // Sagas answered 202 add their expedientes when they end: walk those too.
      const late = context.known
        .slice(knownBefore)
        .filter((known) => !walked.some((each) => each.known === known));
      await Promise.all(late.map((known) => walk(context, recorder, known, walked)));
      context.log(`chaos: checking ${walked.length} expedientes in every read model`);
      const settled = now() + SETTLE_MS;
      const unchecked = [...walked];
      await Promise.all(
        Array.from({ length: CHECKERS }, async () => {
          for (let next = unchecked.shift(); next; next = unchecked.shift()) {
            await check(context, recorder, next, settled);
          }
        }),
      );
      recorder.notes.push(`${walked.length} expedientes opened and walked, then checked`);
    },
  );
}

/** Kills and restarts replicas until `deadline`; the broker goes down once half-way. */
async function unleash(context: Context, recorder: Recorder, deadline: number): Promise<void> {
  const intervalMs = context.options.chaosIntervalSeconds * 1000;
  const brokerAt = now() + (deadline - now()) / 2;
  const killed = new Map<string, number>();
  let brokerRestarted = false;
  while (now() + intervalMs < deadline) {
    await sleep(intervalMs);
    if (!brokerRestarted && now() >= brokerAt) {
      brokerRestarted = true;
      await restartBroker(context, recorder);
      continue;
    }
    const victim = pick(context.system.replicas);
    context.log(`chaos: SIGKILL ${victim.name}`);
    await victim.crash();
    victim.start();
    killed.set(victim.name, (killed.get(victim.name) ?? 0) + 1);
  }
  // Whatever did not come back (a start while the broker was away) starts now.
  for (const replica of context.system.replicas) if (!replica.running) replica.start();
  const kills = [...killed].map(([name, count]) => `${name} × ${count}`).join(', ');
  recorder.notes.push(`SIGKILLed: ${kills || 'none'}`);
}

/** Stops the test servers' Kafka broker and starts it again with `test-servers.sh up`. */
async function restartBroker(context: Context, recorder: Recorder): Promise<void> {
  const broker = testServerProcesses().find((each) => each.name === 'kafka');
  if (!broker) {
    recorder.notes.push('the broker was not restarted: no Kafka of scripts/test-servers.sh runs');
    return;
  }
  context.log('chaos: restarting the Kafka broker');
  const t0 = now();
  process.kill(broker.pid, 'SIGTERM');
  while (isAlive(broker.pid)) await sleep(100);
  await run('bash', [join(repoRoot, 'scripts/test-servers.sh'), 'up'], { timeout: 180_000 });
  const seconds = ((now() - t0) / 1000).toFixed(1);
  context.log(`chaos: the broker is back after ${seconds} s`);
  recorder.notes.push(`the broker was down for ${seconds} s`);
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One expediente through WALK; anything but 200, or a 202 whose saga completed, is an error. */
async function walk(
  context: Context,
  recorder: Recorder,
  known: Known,
  walked: Walked[],
): Promise<void> {
  const each: Walked = { known, reached: [] };
  walked.push(each);
  for (const hacia of WALK) {
    const startedAt = now();
    const outcome = await context.api.postJson(
      `/expedientes/${encodeURIComponent(known.id)}/transitions`,
      { hacia },
    );
    const ms = now() - startedAt;
    recorder.requests++;
    recorder.answer(kindOf(outcome), ms);
    if (!(await applied(context, recorder, outcome, ms, `${known.codigo} → ${hacia}`))) return;
    each.reached.push(hacia);
  }
}

async function applied(
  context: Context,
  recorder: Recorder,
  outcome: Outcome,
  ms: number,
  what: string,
): Promise<boolean> {
  if (outcome.ok && outcome.status === 200) {
    recorder.latency.add(ms);
    recorder.operations++;
    return true;
  }
  if (outcome.ok && outcome.status === 202) {
    recorder.latency.add(ms);
    recorder.accepted++;
    const sagaId = jsonOf<{ sagaId?: string }>(outcome)?.sagaId ?? '';
    const end = await context.api.settleSaga(sagaId, SAGA_TIMEOUT_MS);
    if (end.estado === 'completed') {
      recorder.operations++;
      return true;
    }
    recorder.error(`saga ${end.estado}`, `${what}: ${end.detail}`, correlationOf(outcome));
    return false;
  }
  recorder.error(kindOf(outcome), `${what}: ${describe(outcome)}`, correlationOf(outcome));
  return false;
}

/**
 * The detail shows each phase reached once, in order, and the list and the search index hold
 * the expediente exactly once (waiting until `deadline` for the projections to catch up).
 */
async function check(
  context: Context,
  recorder: Recorder,
  { known, reached }: Walked,
  deadline: number,
) {
  const expected = ['INICIAL', ...reached];
  const id = encodeURIComponent(known.id);
  const probes: Array<[string, () => Promise<string | undefined>]> = [
    [
      'phase history',
      async () => {
        const detail = okBody<{ historialDeFases?: Array<{ fase?: { codigo?: string } }> }>(
          await context.api.get(`/expedientes/${id}`),
        );
        const phases = detail?.historialDeFases?.map((entry) => entry.fase?.codigo) ?? [];
        return phases.join(',') === expected.join(',') ? undefined : phases.join(', ');
      },
    ],
    [
      'list',
      async () => {
        const page = okBody<{ items?: Array<{ id?: string; fase?: { codigo?: string } }> }>(
          await context.api.get(
            `/expedientes?pageSize=5&codigo=${encodeURIComponent(known.codigo)}`,
          ),
        );
        const mine = page?.items?.filter((item) => item.id === known.id) ?? [];
        const fase = mine[0]?.fase?.codigo;
        return mine.length === 1 && fase === expected.at(-1)
          ? undefined
          : `${mine.length} entries, fase ${fase}`;
      },
    ],
    [
      'search',
      async () => {
        const page = okBody<{ items?: Array<{ expedienteId?: string }> }>(
          await context.api.get(`/search?pageSize=5&q=${known.token}`),
        );
        const count = page?.items?.filter((item) => item.expedienteId === known.id).length ?? 0;
        return count === 1 ? undefined : `${count} entries`;
      },
    ],
  ];
  for (const [what, probe] of probes) {
    let wrong = await probe();
    while (wrong !== undefined && now() < deadline) {
      await sleep(200);
      wrong = await probe();
    }
    if (wrong !== undefined) {
      const detail = `${known.codigo} (${known.id}): expected ${expected.join(', ')}; ${wrong}`;
      context.log(`chaos: ${what} wrong for ${detail}`);
      recorder.error(`${what} wrong`, detail);
    }
  }
}

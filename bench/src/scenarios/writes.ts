import { setTimeout as sleep } from 'node:timers/promises';
import { jsonOf, kindOf, now } from '../http';
import {
  carryErrors,
  closedLoop,
  Context,
  ERROR_LIMIT,
  Known,
  measure,
  openLoop,
  Recorder,
  ScenarioResult,
  warmUp,
} from './harness';
import { describe, LOAD_FILE_BYTES, OPEN_FILE_BYTES, openOne, SAGA_TIMEOUT_MS } from './opening';

/** Opens expedientes (untimed) until at least `count` are in Fase inicial and untaken. */
export async function ensureFresh(context: Context, count: number): Promise<Recorder> {
  const scratch = new Recorder();
  const missing = count - context.fresh.length;
  if (missing <= 0) return scratch;
  context.log(`preparing: opening ${missing} expedientes first`);
  let remaining = missing;
  await closedLoop(context.options.concurrency, Infinity, async () => {
    if (remaining-- <= 0 || scratch.errorCount >= ERROR_LIMIT) return false;
    await openOne(context, scratch, { fileBytes: LOAD_FILE_BYTES });
    return true;
  });
  await Promise.all(scratch.pending);
  return scratch;
}

export async function openScenario(context: Context): Promise<ScenarioResult> {
  const { concurrency, durationSeconds } = context.options;
  // Untimed first: the JIT, the caches and the first pages of every store.
  const warmed = await warmUp(context, 'open', (recorder, deadline) =>
    closedLoop(concurrency, deadline, async () => {
      await openOne(context, recorder, { fileBytes: OPEN_FILE_BYTES });
      return recorder.errorCount < ERROR_LIMIT;
    }),
  );
  const result = await measure(
    context,
    {
      name: 'open',
      title: `POST /expedientes with one 100 KB PDF; closed loop, ${concurrency} clients, ${durationSeconds} s`,
      operation: 'open',
    },
    async (recorder) => {
      carryErrors(warmed.recorder, recorder);
      recorder.notes.push(warmed.note);
      await closedLoop(concurrency, now() + durationSeconds * 1000, async () => {
        await openOne(context, recorder, { fileBytes: OPEN_FILE_BYTES });
        return recorder.errorCount < ERROR_LIMIT;
      });
    },
  );
  if (result.throughput !== null) context.openThroughput = result.throughput;
  return result;
}

export async function openRateScenario(context: Context): Promise<ScenarioResult> {
  const { rate, durationSeconds } = context.options;
  const count = Math.max(1, Math.round(rate * durationSeconds));
  return measure(
    context,
    {
      name: 'open-rate',
      title: `POST /expedientes with one 100 KB PDF; open loop, ${rate}/s for ${durationSeconds} s (latency from the scheduled send)`,
      operation: 'open',
    },
    async (recorder) => {
      await openLoop(rate, count, (scheduledAt) =>
        openOne(context, recorder, { fileBytes: OPEN_FILE_BYTES, scheduledAt }),
      );
    },
  );
}

/** A phase change's body: a rejection, which the procedure takes only with a reason, has one. */
export const transitionTo = (hacia: string): { hacia: string; motivo?: string } =>
  hacia === 'RECHAZADO' ? { hacia, motivo: 'Rechazo del benchmark' } : { hacia };

/** The standard procedure with a rejection at validation and the way back. */
export const PROCEDURE_WALK = [
  'ANALISIS_TECNICO',
  'VALIDACION',
  'RECHAZADO',
  'INICIAL',
  'ANALISIS_TECNICO',
  'VALIDACION',
  'FINALIZADO',
] as const;

/** Expedientes in Fase inicial for `seconds` of transitions at `perSecond`, with a margin. */
const expedientesFor = (context: Context, perSecond: number, seconds: number): number =>
  Math.max(
    context.options.concurrency * 8,
    Math.ceil((perSecond * seconds * 1.5) / PROCEDURE_WALK.length) + context.options.concurrency,
  );

export async function transitionScenario(context: Context): Promise<ScenarioResult> {
  const { concurrency, durationSeconds } = context.options;
  const warmed = await warmUp(
    context,
    'transition',
    async (recorder, deadline) => void (await walkUntil(context, recorder, deadline)),
    (perSecond, roundSeconds) =>
      ensureFresh(context, expedientesFor(context, perSecond, roundSeconds)),
  );
  const prepared = await ensureFresh(
    context,
    expedientesFor(context, warmed.perSecond, durationSeconds),
  );
  return measure(
    context,
    {
      name: 'transition',
      title:
        `POST /expedientes/{id}/transitions through ${PROCEDURE_WALK.length} phases ` +
        `(rejected at validation, back to Fase inicial, then Finalizado); closed loop, ` +
        `${concurrency} clients, ${durationSeconds} s`,
      operation: 'transition',
    },
    async (recorder) => {
      carryErrors(warmed.recorder, recorder);
      carryErrors(prepared, recorder);
      recorder.notes.push(warmed.note);
      const walk = await walkUntil(context, recorder, now() + durationSeconds * 1000);
      recorder.notes.push(`${walk.walked} expedientes walked to Finalizado`);
      if (walk.exhausted) {
        recorder.notes.push('ran out of expedientes in Fase inicial before the end');
      }
      if (walk.finished) await checkFinished(context, recorder, walk.finished);
    },
  );
}

interface Walk {
  walked: number;
  /** The last expediente walked to Finalizado. */
  finished?: string;
  /** Whether the clients ran out of expedientes in Fase inicial. */
  exhausted: boolean;
}

/** Each client walks one fresh expediente after another through PROCEDURE_WALK. */
async function walkUntil(context: Context, recorder: Recorder, deadline: number): Promise<Walk> {
  const walk: Walk = { walked: 0, exhausted: false };
  await closedLoop(context.options.concurrency, deadline, async () => {
    const expediente = context.fresh.shift();
    if (!expediente) {
      walk.exhausted = true;
      return false;
    }
    const reached = await walkOne(context, recorder, expediente, deadline);
    if (reached === 'finished') {
      walk.walked++;
      walk.finished = expediente.id;
    }
    return reached !== 'stopped';
  });
  return walk;
}

/**
 * One expediente through PROCEDURE_WALK: 'finished', 'stuck' on an error (the client takes
 * the next one), or 'stopped' by the deadline or too many errors.
 */
async function walkOne(
  context: Context,
  recorder: Recorder,
  expediente: Known,
  deadline: number,
): Promise<'finished' | 'stuck' | 'stopped'> {
  for (const hacia of PROCEDURE_WALK) {
    if (now() >= deadline || recorder.errorCount >= ERROR_LIMIT) return 'stopped';
    const startedAt = now();
    const outcome = await context.api.postJson(
      `/expedientes/${encodeURIComponent(expediente.id)}/transitions`,
      transitionTo(hacia),
    );
    const ms = now() - startedAt;
    const kind = kindOf(outcome);
    recorder.requests++;
    recorder.answer(kind, ms);
    if (outcome.ok && outcome.status === 200) {
      const reached = jsonOf<{ hacia?: { codigo?: string } }>(outcome)?.hacia?.codigo;
      if (reached !== hacia) {
        recorder.error('200 with another phase', `${expediente.codigo}: ${reached} ≠ ${hacia}`);
        return 'stuck';
      }
      recorder.latency.add(ms);
      recorder.operations++;
    } else if (outcome.ok && outcome.status === 202) {
      recorder.latency.add(ms);
      recorder.accepted++;
      const sagaId = jsonOf<{ sagaId?: string }>(outcome)?.sagaId ?? '';
      const end = await context.api.settleSaga(sagaId, SAGA_TIMEOUT_MS);
      if (end.estado !== 'completed') {
        recorder.error(`saga ${end.estado}`, `${expediente.codigo} → ${hacia}: ${end.detail}`);
        return 'stuck';
      }
      recorder.operations++;
    } else {
      recorder.error(kind, `${expediente.codigo} → ${hacia}: ${describe(outcome)}`);
      return 'stuck';
    }
    expediente.fase = hacia;
  }
  return 'finished';
}

/** The detail of a walked expediente shows Finalizado and its whole phase history. */
async function checkFinished(context: Context, recorder: Recorder, id: string): Promise<void> {
  const deadline = now() + 30_000;
  let last = '';
  while (now() < deadline) {
    const outcome = await context.api.get(`/expedientes/${encodeURIComponent(id)}`);
    if (outcome.ok && outcome.status === 200) {
      const detail = jsonOf<{ fase?: { codigo?: string }; historialDeFases?: unknown[] }>(outcome);
      last = `fase ${detail?.fase?.codigo}, ${detail?.historialDeFases?.length} phases`;
      if (
        detail?.fase?.codigo === 'FINALIZADO' &&
        detail.historialDeFases?.length === PROCEDURE_WALK.length + 1
      ) {
        return;
      }
    } else {
      last = describe(outcome);
    }
    await sleep(50);
  }
  recorder.error('detail not up to date', `${id} after 30 s: ${last}`);
}

/** How many expedientes the list holds now, or undefined if it does not answer. */
export async function listTotal(context: Context, query = ''): Promise<number | undefined> {
  const outcome = await context.api.get(`/expedientes?pageSize=1${query}`);
  if (!outcome.ok || outcome.status !== 200) return undefined;
  const total = jsonOf<{ total?: number }>(outcome)?.total;
  return typeof total === 'number' ? total : undefined;
}

export async function loadScenario(context: Context): Promise<ScenarioResult> {
  const { n, concurrency } = context.options;
  // What the list shows, or what this run created if the list lags behind.
  const before = Math.max((await listTotal(context)) ?? 0, context.known.length);
  const missing = Math.max(0, n - before);
  return measure(
    context,
    {
      name: 'load',
      title: `bring the system to N = ${n} expedientes (${missing} more, each with a 4 KB PDF); closed loop, ${concurrency} clients`,
      operation: 'open',
    },
    async (recorder) => {
      let remaining = missing;
      const t0 = now();
      let lastLog = t0;
      await closedLoop(concurrency, Infinity, async () => {
        if (remaining-- <= 0 || recorder.errorCount >= ERROR_LIMIT) return false;
        await openOne(context, recorder, { fileBytes: LOAD_FILE_BYTES });
        if (now() - lastLog >= 5_000) {
          lastLog = now();
          const done = recorder.operations;
          const perSecond = done / ((lastLog - t0) / 1000);
          const eta = perSecond > 0 ? (missing - done) / perSecond : Infinity;
          context.log(
            `load: ${before + done}/${n} (${perSecond.toFixed(1)}/s, about ${Math.ceil(eta)} s to go)`,
          );
        }
        return true;
      });
      recorder.notes.push(`${before} expedientes before, ${missing} opened`);
    },
  );
}

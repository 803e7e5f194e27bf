import { setTimeout as sleep } from 'node:timers/promises';
import { jsonOf, kindOf, now } from '../http';
import { messagesHandled } from '../metrics';
import {
  carryErrors,
  closedLoop,
  Context,
  ERROR_LIMIT,
  measure,
  openLoop,
  Recorder,
  ScenarioResult,
} from './harness';
import { describe, OPEN_FILE_BYTES, OpenForm, openOne } from './opening';
import { ensureFresh, listTotal } from './writes';

/** How long a rebuild may take: 5 minutes, or 20 ms per expediente (50/s) if longer. */
const rebuildTimeoutMs = (expedientes: number): number => Math.max(300_000, expedientes * 20);

async function searchTotal(context: Context, query = ''): Promise<number | undefined> {
  const outcome = await context.api.get(`/search?pageSize=1${query}`);
  if (!outcome.ok || outcome.status !== 200) return undefined;
  const total = jsonOf<{ total?: number }>(outcome)?.total;
  return typeof total === 'number' ? total : undefined;
}

async function metricsCounter(context: Context): Promise<number | undefined> {
  const outcome = await context.http.send('GET', context.system.searchMetricsUrl);
  if (!outcome.ok || outcome.status !== 200) return undefined;
  return messagesHandled(outcome.body.toString('utf8'));
}

/**
 * Untimed seconds before `idle` measures: what the work before set going ends first (and
 * what start-up does, some 15 s after it, when `idle` runs alone).
 */
const IDLE_SETTLE_SECONDS = 20;

/**
 * Nothing asked of the system: what each process costs a second doing nothing (timers,
 * heartbeats, polls), which a council's installation pays every hour of the night.
 */
export async function idleScenario(context: Context): Promise<ScenarioResult> {
  const seconds = context.options.durationSeconds;
  await sleep(IDLE_SETTLE_SECONDS * 1000);
  return measure(
    context,
    {
      name: 'idle',
      title: `no request for ${seconds} s, ${IDLE_SETTLE_SECONDS} s after the last: CPU-ms per second`,
      operation: 'second',
    },
    async (recorder) => {
      await sleep(seconds * 1000);
      recorder.operations = seconds;
    },
  );
}

/** The read models' rebuild (synchronous) and the search index's (replayed in the background). */
export async function rebuildScenarios(context: Context): Promise<ScenarioResult[]> {
  const prepared = context.known.length === 0 ? await ensureFresh(context, 20) : new Recorder();
  const results: ScenarioResult[] = [];
  const expected = Math.max((await listTotal(context)) ?? 0, context.known.length);

  results.push(
    await measure(
      context,
      {
        name: 'rebuild-read-models',
        title: `expedientes' POST /admin/rebuild-read-models (list and detail from every event) with N = ${expected}`,
        operation: 'event',
      },
      async (recorder) => {
        carryErrors(prepared, recorder);
        recorder.loaded = expected;
        const startedAt = now();
        const outcome = await context.api.adminPost(
          context.system.rebuildReadModelsUrl,
          rebuildTimeoutMs(expected),
        );
        const seconds = (now() - startedAt) / 1000;
        recorder.requests++;
        const eventos = outcome.ok ? jsonOf<{ eventos?: number }>(outcome)?.eventos : undefined;
        if (!outcome.ok || outcome.status !== 200 || typeof eventos !== 'number') {
          recorder.error(kindOf(outcome), `rebuild-read-models: ${describe(outcome)}`);
          return;
        }
        recorder.operations = eventos;
        recorder.rebuild = { events: eventos, seconds, eventsPerSecond: eventos / seconds };
      },
      // Rebuilt from the events, the list holds every expediente this run created. Not in the
      // figures: on FerretDB the count reads every view.
      async (recorder) => {
        if (!recorder.rebuild) return;
        const after = await listTotal(context);
        if (after === undefined || after < context.known.length) {
          recorder.error(
            'rebuilt list incomplete',
            `${after} listed, ${context.known.length} created by this run`,
          );
        }
      },
    ),
  );

  results.push(
    await measure(
      context,
      {
        name: 'rebuild-search',
        title: `search's POST /admin/rebuild (202), until the index holds all N = ${expected} again, their last phase included`,
        operation: 'event',
      },
      async (recorder) => {
        recorder.loaded = expected;
        // The list was just rebuilt: its finalized ones are what search must show again.
        const finalized = (await listTotal(context, '&fase=FINALIZADO')) ?? 0;
        const counterBefore = await metricsCounter(context);
        const startedAt = now();
        const outcome = await context.api.adminPost(context.system.rebuildSearchUrl);
        recorder.requests++;
        if (!outcome.ok || (outcome.status !== 202 && outcome.status !== 200)) {
          recorder.error(kindOf(outcome), `search rebuild: ${describe(outcome)}`);
          return;
        }
        // Caught up: every expediente back, the finalized ones with their last phase, and
        // the consumers' counter still for two polls; the end is its last change.
        const deadline = startedAt + rebuildTimeoutMs(expected);
        let counter = counterBefore;
        let changedAt = startedAt;
        let still = 0;
        for (;;) {
          await sleep(200);
          const [total, done, current] = await Promise.all([
            searchTotal(context),
            searchTotal(context, '&fase=FINALIZADO'),
            metricsCounter(context),
          ]);
          if (current !== counter) {
            counter = current;
            changedAt = now();
            still = 0;
          } else still++;
          const complete =
            total !== undefined && total >= expected && done !== undefined && done >= finalized;
          if (complete && (counterBefore === undefined || still >= 2)) break;
          if (now() > deadline) {
            recorder.error(
              'search rebuild did not finish',
              `after ${((now() - startedAt) / 1000).toFixed(0)} s: ${total}/${expected} indexed, ${done}/${finalized} finalized`,
            );
            return;
          }
        }
        const seconds = ((counterBefore === undefined ? now() : changedAt) - startedAt) / 1000;
        const events =
          counterBefore !== undefined && counter !== undefined ? counter - counterBefore : null;
        recorder.operations = events ?? 0;
        recorder.rebuild = {
          events,
          seconds,
          eventsPerSecond: events === null ? null : events / seconds,
        };
        recorder.notes.push(
          'events: messages the search process consumed meanwhile (messages_handled_total at its /metrics)',
        );
        if (context.system.mode === 'distributed') {
          recorder.notes.push(
            'the Kafka topics keep every run\u2019s events, so a fresh group may replay more than this run\u2019s',
          );
        }
      },
    ),
  );
  return results;
}

/** Opens in an open loop at three times the measured open throughput. */
export async function overloadScenario(context: Context): Promise<ScenarioResult> {
  const { durationSeconds, concurrency } = context.options;
  let calibration: Recorder | undefined;
  if (context.openThroughput === undefined) {
    // No `open` scenario in this run: measure its throughput briefly first.
    calibration = new Recorder();
    const seconds = Math.min(durationSeconds, 10);
    context.log(`overload: measuring the open throughput first (${seconds} s)`);
    const t0 = now();
    await closedLoop(concurrency, t0 + seconds * 1000, async () => {
      await openOne(context, calibration as Recorder, { fileBytes: OPEN_FILE_BYTES });
      return (calibration as Recorder).errorCount < ERROR_LIMIT;
    });
    await Promise.all(calibration.pending);
    context.openThroughput = calibration.operations / ((now() - t0) / 1000);
  }
  const capacity = Math.max(context.openThroughput, 0.5);
  const rate = 3 * capacity;
  const count = Math.max(1, Math.round(rate * durationSeconds));
  return measure(
    context,
    {
      name: 'overload',
      title: `POST /expedientes at ${rate.toFixed(1)}/s (3 × the ${capacity.toFixed(1)}/s measured) for ${durationSeconds} s, open loop; answers by kind`,
      operation: 'open',
    },
    async (recorder) => {
      if (calibration) carryErrors(calibration, recorder);
      const refused: Array<{ kind: string; form: OpenForm }> = [];
      let withoutRetryAfter = 0;
      await openLoop(rate, count, (scheduledAt) =>
        openOne(context, recorder, {
          fileBytes: OPEN_FILE_BYTES,
          scheduledAt,
          refusals: new Set([429, 503]),
          onAnswer: (kind, form, outcome) => {
            if (kind === '201' || kind === '202') return;
            refused.push({ kind, form });
            if (outcome.ok && (outcome.status === 429 || outcome.status === 503)) {
              if (outcome.headers['retry-after'] === undefined) withoutRetryAfter++;
            }
          },
        }),
      );
      await Promise.all(recorder.pending);
      if (withoutRetryAfter > 0) {
        recorder.notes.push(`${withoutRetryAfter} answers of 429/503 without Retry-After`);
      }
      await createdAnyway(context, recorder, refused);
    },
  );
}

/**
 * An answer of error must mean that nothing was created: once the system is quiet, looks
 * each refused or failed open's codigo up in the list.
 */
async function createdAnyway(
  context: Context,
  recorder: Recorder,
  refused: ReadonlyArray<{ kind: string; form: OpenForm }>,
): Promise<void> {
  if (refused.length === 0) return;
  // Quiet: the list's total unchanged for 2 s (what was stored has finished), at most 60 s.
  const until = now() + 60_000;
  let last = await listTotal(context);
  let still = 0;
  while (still < 4 && now() < until) {
    await sleep(500);
    const total = await listTotal(context);
    still = total === last ? still + 1 : 0;
    last = total;
  }
  if (still < 4) {
    recorder.notes.push('the list was still changing 60 s later: the look-ups below may miss some');
  }
  const checked = refused.slice(0, 1_000);
  let index = 0;
  let created = 0;
  let unknownCreated = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (index < checked.length) {
        const { kind, form } = checked[index++] as { kind: string; form: OpenForm };
        // By its code, which the list finds from an index (FerretDB reads every view for `q`).
        const outcome = await context.api.get(
          `/expedientes?pageSize=5&codigo=${encodeURIComponent(form.codigo)}`,
        );
        const items = outcome.ok
          ? jsonOf<{ items?: Array<{ codigo?: string }> }>(outcome)?.items
          : undefined;
        if (!items?.some((item) => item.codigo === form.codigo)) continue;
        if (kind === 'timeout' || kind.startsWith('network')) {
          // No answer: the client cannot know (the timeout or reset is an error already).
          unknownCreated++;
        } else {
          created++;
          recorder.error('created although answered an error', `${form.codigo} (${kind})`);
        }
      }
    }),
  );
  recorder.notes.push(
    `${checked.length} refused or failed opens looked up afterwards: ${created} answered ` +
      `with an error and ${unknownCreated} never answered (timeout, reset) had been created`,
  );
}

import { setTimeout as sleep } from 'node:timers/promises';
import { jsonOf, kindOf, now, Outcome } from '../http';
import { Samples } from '../stats';
import {
  carryErrors,
  closedLoop,
  Context,
  ERROR_LIMIT,
  Known,
  measure,
  openLoop,
  pick,
  Recorder,
  ScenarioResult,
} from './harness';
import { describe, OPEN_FILE_BYTES, openOne, VOCABULARY } from './opening';
import { ensureFresh, listTotal } from './writes';

const PAGE = 20;

/** One GET that must answer 200, timed and counted. */
async function timedRead(
  recorder: Recorder,
  what: string,
  call: () => Promise<Outcome>,
): Promise<void> {
  const startedAt = now();
  const outcome = await call();
  const ms = now() - startedAt;
  const kind = kindOf(outcome);
  recorder.requests++;
  recorder.answer(kind, ms);
  if (outcome.ok && outcome.status === 200) {
    recorder.latency.add(ms);
    recorder.operations++;
  } else {
    recorder.error(kind, `${what}: ${describe(outcome)}`);
  }
}

/** detail, list and search, each on its own for the scenario's duration, with N loaded. */
export async function readScenarios(context: Context): Promise<ScenarioResult[]> {
  const { readConcurrency, durationSeconds } = context.options;
  const prepared = context.known.length === 0 ? await ensureFresh(context, 20) : new Recorder();
  const listed = await listTotal(context);
  const total = Math.max(listed ?? 0, context.known.length);
  const pages = Math.max(1, Math.min(10, Math.ceil(total / PAGE)));
  const how = `${readConcurrency} client${readConcurrency === 1 ? '' : 's'}, ${durationSeconds} s, N = ${total} loaded`;
  const kinds: Array<{ name: string; title: string; call: () => Promise<Outcome>; what: string }> =
    [
      {
        name: 'read-detail',
        title: `GET /expedientes/{id} of a random expediente; ${how}`,
        what: 'detail',
        call: () => context.api.get(`/expedientes/${encodeURIComponent(pick(context.known).id)}`),
      },
      {
        name: 'read-list',
        title: `GET /expedientes?page=(1..${pages})&pageSize=${PAGE}, newest first; ${how}`,
        what: 'list',
        call: () =>
          context.api.get(
            `/expedientes?pageSize=${PAGE}&page=${1 + Math.floor(Math.random() * pages)}`,
          ),
      },
      {
        name: 'read-search',
        title: `GET /search?q=(one word of ${VOCABULARY.length}, in about ${((2 / VOCABULARY.length) * 100).toFixed(0)} % of them)&pageSize=${PAGE}; ${how}`,
        what: 'search',
        call: () => context.api.get(`/search?pageSize=${PAGE}&q=${pick(VOCABULARY)}`),
      },
    ];
  const results: ScenarioResult[] = [];
  for (const [index, kind] of kinds.entries()) {
    results.push(
      await measure(
        context,
        { name: kind.name, title: kind.title, operation: 'read' },
        async (recorder) => {
          if (index === 0) carryErrors(prepared, recorder);
          recorder.loaded = total;
          if (listed !== total) recorder.notes.push(`the list showed ${listed ?? 'no'} total`);
          if (kind.what === 'detail' && context.known.length === 0) {
            recorder.error('nothing to read', 'no expediente could be opened');
            return;
          }
          await closedLoop(readConcurrency, now() + durationSeconds * 1000, async () => {
            await timedRead(recorder, kind.what, kind.call);
            return recorder.errorCount < ERROR_LIMIT;
          });
        },
      ),
    );
  }
  return results;
}

const VISIBLE_WITHIN_MS = 30_000;
/** Expedientes watched at once; beyond, a new one is not sampled (the polls are load too). */
const MAX_WATCHED = 16;

/**
 * Polls `probe` until it is true: every 5 ms at first, then every 10 % of the time waited
 * (so the figure is within 10 % and a slow projection is not buried under polls); ms from
 * `since`, or null after VISIBLE_WITHIN_MS.
 */
async function timeUntil(probe: () => Promise<boolean>, since: number): Promise<number | null> {
  for (;;) {
    if (await probe()) return now() - since;
    const waited = now() - since;
    if (waited >= VISIBLE_WITHIN_MS) return null;
    // The last look is at the limit itself: later it would count as not visible.
    await sleep(Math.min(Math.max(5, waited / 10), VISIBLE_WITHIN_MS - waited));
  }
}

/** Opens in an open loop; for each 201, how long until the detail, the list and search show it. */
export async function visibilityScenario(context: Context): Promise<ScenarioResult> {
  const { visibilityRate, durationSeconds } = context.options;
  const count = Math.max(3, Math.round(visibilityRate * durationSeconds));
  return measure(
    context,
    {
      name: 'visibility',
      title: `opens at ${visibilityRate}/s for ${durationSeconds} s; from each 201, ms until visible in detail, list (?codigo=) and search (?q=its word), polled every 5 ms, then every 10 % of the wait`,
      operation: 'open',
    },
    async (recorder) => {
      const views = { detail: new Samples(), list: new Samples(), search: new Samples() };
      let watched = 0;
      let sampled = 0;
      let notSampled = 0;
      const found = (outcome: Outcome, id: string, field: 'id' | 'expedienteId') => {
        if (!outcome.ok || outcome.status !== 200) return false;
        const items = jsonOf<{ items?: Array<Record<string, unknown>> }>(outcome)?.items;
        return Array.isArray(items) && items.some((item) => item[field] === id);
      };
      const watch = async (known: Known, since: number) => {
        const probes: Record<keyof typeof views, () => Promise<boolean>> = {
          detail: async () => {
            const outcome = await context.api.get(`/expedientes/${encodeURIComponent(known.id)}`);
            return outcome.ok && outcome.status === 200;
          },
          // By its code, an index lookup: `q` is a substring match over every expediente,
          // and polled this often its cost, not the projection, would set the figure.
          list: async () =>
            found(
              await context.api.get(
                `/expedientes?pageSize=5&codigo=${encodeURIComponent(known.codigo)}`,
              ),
              known.id,
              'id',
            ),
          search: async () =>
            found(
              await context.api.get(`/search?pageSize=5&q=${known.token}`),
              known.id,
              'expedienteId',
            ),
        };
        await Promise.all(
          (Object.keys(views) as Array<keyof typeof views>).map(async (view) => {
            const ms = await timeUntil(probes[view], since);
            if (ms === null) {
              recorder.error(
                `not visible in ${view}`,
                `${known.codigo} not in the ${view} ${VISIBLE_WITHIN_MS / 1000} s after its 201`,
              );
            } else views[view].add(ms);
          }),
        );
      };
      await openLoop(visibilityRate, count, (scheduledAt) =>
        openOne(context, recorder, {
          fileBytes: OPEN_FILE_BYTES,
          scheduledAt,
          onCreated: (known, answeredAt) => {
            if (watched >= MAX_WATCHED) {
              notSampled++;
              return;
            }
            watched++;
            sampled++;
            recorder.pending.push(watch(known, answeredAt).finally(() => watched--));
          },
        }),
      );
      await Promise.all(recorder.pending);
      recorder.visibility = {
        sampled,
        notSampled,
        detail: views.detail.summary(),
        list: views.list.summary(),
        search: views.search.summary(),
      };
      if (recorder.accepted > 0) {
        recorder.notes.push(`${recorder.accepted} opens answered 202: not sampled`);
      }
    },
  );
}

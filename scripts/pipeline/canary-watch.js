// Watches a canary's HTTP error rate in Prometheus, for scripts/pipeline/canary-release.sh:
//   node scripts/pipeline/canary-watch.js <namespace>
// Every CANARY_INTERVAL_SECONDS (default 60) for CANARY_WATCH_SECONDS (default 600), from the
// start, it asks PROMETHEUS_URL (its HTTP API, /api/v1/query) for the share of the canary
// track's HTTP requests answered 5xx over the last CANARY_RATE_WINDOW (default 2m), from the
// request histogram every process serves (http_request_duration_seconds, by status) with the
// pods' `track` label (the chart's ServiceMonitors add it), but for the probes' and scrapes'
// routes, which would dilute it:
//   sum(rate(http_request_duration_seconds_count{namespace="<ns>",track="canary",route!~"/health/.+|/metrics",status=~"5.."}[2m]))
//     / sum(rate(http_request_duration_seconds_count{namespace="<ns>",track="canary",route!~"/health/.+|/metrics"}[2m]))
// Exits 0 when it never went above CANARY_MAX_ERROR_RATE (a fraction, default 0.01), 1 as
// soon as it does, 2 when Prometheus cannot be asked (a canary not watched is not promoted).
// No canary request in a window (an empty answer) is no error: the smoke test makes some.
/* global fetch, AbortSignal */
const { setTimeout: sleep } = require('node:timers/promises');
const { URLSearchParams } = require('node:url');

const namespace = process.argv[2] ?? '';
const prometheus = (process.env.PROMETHEUS_URL ?? '').replace(/\/+$/, '');
const watchSeconds = Number(process.env.CANARY_WATCH_SECONDS ?? 600);
const intervalSeconds = Number(process.env.CANARY_INTERVAL_SECONDS ?? 60);
const maxErrorRate = Number(process.env.CANARY_MAX_ERROR_RATE ?? 0.01);
const window = process.env.CANARY_RATE_WINDOW ?? '2m';

class Unanswered extends Error {}

/** The PromQL of the canary's 5xx share in `ns`. */
function errorRateQuery(ns) {
  const requests = (/** @type {string} */ extra) =>
    `sum(rate(http_request_duration_seconds_count{namespace="${ns}",track="canary",route!~"/health/.+|/metrics"${extra}}[${window}]))`;
  return `${requests(',status=~"5.."')} / ${requests('')}`;
}

/** The error rate now, or undefined when the canary served no request in the window. */
async function errorRate(query) {
  let response;
  try {
    response = await fetch(`${prometheus}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Unanswered(`${prometheus} unreachable: ${error.cause ?? error}`);
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok || body?.status !== 'success') {
    throw new Unanswered(
      `${prometheus} answered ${response.status}: ${body?.error ?? 'no result'}`,
    );
  }
  const [sample] = body.data?.result ?? [];
  if (!sample) return undefined;
  const value = Number(sample.value?.[1]);
  // 0/0 (no request in the window) is NaN: no error either.
  return Number.isNaN(value) ? undefined : value;
}

const percent = (/** @type {number} */ rate) => `${(rate * 100).toFixed(2)}%`;

async function main() {
  if (!/^[a-z0-9-]+$/.test(namespace) || !prometheus) {
    throw new Unanswered('usage: PROMETHEUS_URL=... canary-watch.js <namespace>');
  }
  if (
    ![watchSeconds, intervalSeconds, maxErrorRate].every(Number.isFinite) ||
    intervalSeconds <= 0
  ) {
    throw new Unanswered(
      'CANARY_WATCH_SECONDS, CANARY_INTERVAL_SECONDS (above 0) and CANARY_MAX_ERROR_RATE are numbers',
    );
  }
  const query = errorRateQuery(namespace);
  process.stdout.write(`watching the canary for ${watchSeconds} s: ${query}\n`);
  for (let elapsed = 0; ; elapsed += intervalSeconds) {
    const rate = await errorRate(query);
    const seen = rate === undefined ? 'no canary request' : `error rate ${percent(rate)}`;
    process.stdout.write(`  ${elapsed} s: ${seen} (at most ${percent(maxErrorRate)})\n`);
    if (rate !== undefined && rate > maxErrorRate) {
      process.stderr.write(
        `the canary's error rate, ${percent(rate)}, is above ${percent(maxErrorRate)}\n`,
      );
      return 1;
    }
    if (elapsed + intervalSeconds > watchSeconds) return 0;
    await sleep(intervalSeconds * 1000);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`the canary cannot be watched: ${error.message}\n`);
    process.exit(2);
  },
);

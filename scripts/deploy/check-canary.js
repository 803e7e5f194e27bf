// The pipeline's canary release (scripts/pipeline/canary-release.sh) in dry-run against the
// stand-in platform (scripts/pipeline/fake-platform.js), which answers the smoke test and the
// Prometheus query for real: a healthy canary is promoted; a canary that fails the smoke test,
// one whose error rate is too high, and one that cannot be watched are rolled back, and the
// script fails. Each run also renders and validates the canary's manifests (deploy.sh). And
// the chart refuses a canary without its tag, or with a weight that is no percentage.
//   node scripts/deploy/check-canary.js      (a step of scripts/check-deployment.sh)
const { execFile, spawn } = require('node:child_process');
const { once } = require('node:events');
const { promisify } = require('node:util');

const TAG = '0123456789ab';
const STABLE_TAG = 'ba9876543210';
const CANARY = `--set image.tag=${STABLE_TAG} --set canary.enabled=true --set canary.image.tag=${TAG} --set canary.weight=10 --atomic`;
const PROMOTION = `--set image.tag=${TAG} --atomic`;
const ROLLBACK = 'rollback expedientes <revision before the canary> --namespace production';

/** Starts a stand-in platform in `mode`; resolves to it and its URL. */
async function fakePlatform(mode) {
  const child = spawn(
    process.execPath,
    ['scripts/pipeline/fake-platform.js', mode, 'smoke-client', 'smoke-secret'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = await once(child.stdout, 'data');
  return { child, url: String(chunk).trim() };
}

/** Runs a canary release in dry-run; resolves to its exit code and output. */
async function canaryRelease(url, prometheusUrl = url) {
  const env = {
    ...process.env,
    DRY_RUN: '1',
    IMAGE_REPOSITORY: 'registry.example.org/expedientes',
    IMAGE_TAG: TAG,
    STABLE_IMAGE_TAG: STABLE_TAG,
    SMOKE_BASE_URL: url,
    SMOKE_CLIENT_ID: 'smoke-client',
    SMOKE_CLIENT_SECRET: 'smoke-secret',
    SMOKE_ATTEMPTS: '1',
    SMOKE_INTERVAL_SECONDS: '0',
    PROMETHEUS_URL: prometheusUrl,
    CANARY_WATCH_SECONDS: '1',
    CANARY_INTERVAL_SECONDS: '1',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'bash',
      ['scripts/pipeline/canary-release.sh', 'production'],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    return { code: error.code ?? 1, output: `${error.stdout}${error.stderr}` };
  }
}

/** What a run must and must not have said. */
const SCENARIOS = [
  {
    mode: 'healthy',
    what: 'a healthy canary is promoted',
    fails: false,
    says: [CANARY, 'smoke test passed', 'error rate 0.20%', PROMOTION, 'promoted and answering'],
    never: [ROLLBACK],
  },
  {
    mode: 'canary-broken',
    what: 'a canary failing the smoke test is rolled back, and the stage fails',
    fails: true,
    says: [CANARY, 'the smoke test through the canary failed', ROLLBACK],
    never: [PROMOTION, 'watching the canary'],
  },
  {
    mode: 'canary-erroring',
    what: 'a canary above the error rate is rolled back, and the stage fails',
    fails: true,
    says: [CANARY, 'smoke test passed', 'error rate 25.00%', ROLLBACK],
    never: [PROMOTION],
  },
  {
    mode: 'healthy',
    prometheus: 'http://127.0.0.1:9',
    what: 'a canary that cannot be watched is rolled back, and the stage fails',
    fails: true,
    says: [CANARY, 'the canary cannot be watched', ROLLBACK],
    never: [PROMOTION],
  },
];

async function check(scenario) {
  const { child, url } = await fakePlatform(scenario.mode);
  try {
    const { code, output } = await canaryRelease(url, scenario.prometheus);
    const problems = [
      ...(scenario.fails === (code === 0) ? [`exit code ${code}`] : []),
      ...scenario.says.filter((text) => !output.includes(text)).map((text) => `not said: ${text}`),
      ...scenario.never.filter((text) => output.includes(text)).map((text) => `said: ${text}`),
    ];
    if (problems.length === 0) {
      process.stdout.write(`    ${scenario.what}\n`);
      return true;
    }
    process.stdout.write(`    NOT: ${scenario.what}\n`);
    for (const problem of problems) process.stdout.write(`      ${problem}\n`);
    process.stdout.write(output.replace(/^/gm, '      | '));
    return false;
  } finally {
    child.kill();
  }
}

/** The chart refuses canary values that cannot work, saying why. */
async function refusals() {
  const render = (/** @type {string} */ sets) =>
    promisify(execFile)('bash', [
      '-c',
      'source scripts/deploy/tools.sh && ensure_helm && "$HELM" template expedientes helm/expedientes ' +
        '--namespace production -f helm/expedientes/values-production.yaml "${CLUSTER_APIS[@]}" ' +
        `--set image.tag=${STABLE_TAG} ${sets}`,
    ]);
  let ok = true;
  for (const [sets, reason] of [
    ['--set canary.enabled=true', 'canary.image.tag is required'],
    [`--set canary.enabled=true --set canary.image.tag=${TAG} --set canary.weight=101`, 'weight'],
  ]) {
    const refusal = await render(sets).then(
      () => 'accepted',
      (error) => String(error.stderr),
    );
    if (!refusal.includes(reason)) {
      process.stdout.write(`    NOT refused for "${reason}": ${sets}\n      ${refusal}\n`);
      ok = false;
    }
  }
  if (ok) process.stdout.write('    the chart refuses a canary without its tag, or above 100%\n');
  return ok;
}

async function main() {
  // One after the other: each renders and validates the chart twice.
  let ok = await refusals();
  for (const scenario of SCENARIOS) ok = (await check(scenario)) && ok;
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);

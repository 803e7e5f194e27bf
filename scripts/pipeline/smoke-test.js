// Smoke test of a deployed platform, through its public URL only, as a pipeline's machine
// client would use it:
//   1. the gateway answers /health/ready;
//   2. the API refuses a call without a token (401);
//   3. the authorization server (<url>/auth, found by OpenID discovery) issues a token for
//      SMOKE_CLIENT_ID / SMOKE_CLIENT_SECRET (client credentials);
//   4. with it, GET /api/v1/expedientes answers 200 with a page of expedientes.
// A rollout takes a moment to reach the ingress: the whole round is tried SMOKE_ATTEMPTS
// times (default 10), SMOKE_INTERVAL_SECONDS apart (default 6). SMOKE_HEADER (`Name: value`)
// goes with every request: a release's canary takes those with `X-Expedientes-Canary: always`.
//   usage: node scripts/pipeline/smoke-test.js <public URL>
/* global fetch, AbortSignal */
const { Buffer } = require('node:buffer');
const { setTimeout: sleep } = require('node:timers/promises');
const { URLSearchParams } = require('node:url');

const baseUrl = (process.argv[2] || '').replace(/\/+$/, '');
const attempts = Number(process.env.SMOKE_ATTEMPTS || 10);
const intervalMs = Number(process.env.SMOKE_INTERVAL_SECONDS || 6) * 1000;
const clientId = process.env.SMOKE_CLIENT_ID;
const clientSecret = process.env.SMOKE_CLIENT_SECRET;
const extraHeader = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(process.env.SMOKE_HEADER ?? '');

class SmokeFailure extends Error {}

async function call(path, init = {}) {
  const url = path.startsWith('http') ? path : `${baseUrl}${path}`;
  const headers = { ...init.headers, ...(extraHeader && { [extraHeader[1]]: extraHeader[2] }) };
  const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

function expect(condition, message) {
  if (!condition) throw new SmokeFailure(message);
}

async function round() {
  const ready = await call('/health/ready');
  expect(ready.status === 200, `GET /health/ready answered ${ready.status}`);

  const anonymous = await call('/api/v1/expedientes?pageSize=1');
  expect(anonymous.status === 401, `GET /api/v1/expedientes without a token: ${anonymous.status}`);

  const discovery = await call('/auth/.well-known/openid-configuration');
  const tokenEndpoint = discovery.body?.token_endpoint;
  expect(discovery.status === 200 && tokenEndpoint, 'no token_endpoint in the OpenID discovery');
  const token = await call(tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const accessToken = token.body?.access_token;
  expect(token.status === 200 && accessToken, `the token request answered ${token.status}`);

  const list = await call('/api/v1/expedientes?pageSize=1', {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(list.status === 200, `GET /api/v1/expedientes answered ${list.status}`);
  expect(Array.isArray(list.body?.items), 'GET /api/v1/expedientes returned no items list');
}

async function main() {
  if (!baseUrl || !clientId || !clientSecret || (process.env.SMOKE_HEADER && !extraHeader)) {
    throw new SmokeFailure(
      'usage: SMOKE_CLIENT_ID=... SMOKE_CLIENT_SECRET=... [SMOKE_HEADER="Name: value"] smoke-test.js <public URL>',
    );
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      await round();
      process.stdout.write(`smoke test passed at ${baseUrl} (attempt ${attempt})\n`);
      return;
    } catch (error) {
      const reason = error instanceof SmokeFailure ? error.message : `${error.cause ?? error}`;
      process.stderr.write(`smoke test attempt ${attempt}/${attempts}: ${reason}\n`);
      if (attempt >= attempts) throw new SmokeFailure(`smoke test failed at ${baseUrl}`);
      await sleep(intervalMs);
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});

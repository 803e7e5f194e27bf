/* global fetch, setTimeout */
// The target of scripts/fuzz-api.sh: a test issuer whose keys are served over HTTP, and the
// built embedded process (`npm start`) trusting it, on a fresh data directory. Prints one JSON
// line, {"url", "tokens": {admin, tramitador, validador}}, once the platform is ready; stops
// it all on SIGTERM or SIGINT. Needs the build (`npx tsc -b gateway`).
const { spawn } = require('node:child_process');
const { createWriteStream, mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:http');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { TestTokenIssuer } = require('@expedientes/shared-kernel/testing');

const repoRoot = resolve(__dirname, '../../..');
const logFile = process.env.FUZZ_PLATFORM_LOG ?? join(tmpdir(), 'fuzz-platform.log');

const listen = (server, port = 0) =>
  new Promise((done) => server.listen(port, '127.0.0.1', () => done(server.address().port)));

async function freePort() {
  const server = createServer();
  const port = await listen(server);
  await new Promise((done) => server.close(done));
  return port;
}

async function waitUntilReady(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the platform exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error('the platform did not become ready');
}

async function main() {
  const issuer = await TestTokenIssuer.create();
  const jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(issuer.jwks));
  });
  const jwksPort = await listen(jwks);
  const dataDir = mkdtempSync(join(tmpdir(), 'fuzz-platform-'));
  const port = Number(process.env.FUZZ_PORT) || (await freePort());
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [join(repoRoot, 'gateway/dist/embedded/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      AUTH_JWKS_URL: `http://127.0.0.1:${jwksPort}/jwks.json`,
      // The fuzzer is one fast client: it must meet the API, not its rate limit.
      RATE_LIMIT_PER_MINUTE: '1000000',
      DOCUMENT_MAX_BYTES: String(1024 * 1024),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = () => {
    child.kill('SIGTERM');
    child.once('exit', () => {
      jwks.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child);
  const token = (userId, roles) => issuer.token({ userId, roles, expiresIn: 24 * 3600 });
  const tokens = {
    admin: await token('fuzz.admin', ['admin']),
    tramitador: await token('fuzz.tramitador', ['tramitador']),
    validador: await token('fuzz.validador', ['validador']),
  };
  process.stdout.write(`${JSON.stringify({ url, tokens, log: logFile })}\n`);
}

main().catch((error) => {
  process.stderr.write(`fuzz platform: ${error.stack ?? error}\n`);
  process.exit(1);
});

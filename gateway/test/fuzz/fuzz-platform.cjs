/* global fetch, setTimeout, Buffer, URLSearchParams */
// The target of scripts/fuzz-api.sh: the built embedded process (`npm start`) on a fresh data
// directory, with one machine client per role at its own authorization server. Prints one
// JSON line, {"url", "tokens": {admin, tramitador, validador}}, once the platform is ready
// (client-credentials tokens from its token endpoint); stops it on SIGTERM or SIGINT. Needs
// the build (`npx tsc -b gateway`).
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { createWriteStream, mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:http');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

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

const roles = ['admin', 'tramitador', 'validador'];

async function main() {
  const clients = roles.map((role) => ({
    clientId: `fuzz.${role}`,
    secret: randomBytes(32).toString('base64url'),
    roles: [role],
  }));
  const dataDir = mkdtempSync(join(tmpdir(), 'fuzz-platform-'));
  const port = Number(process.env.FUZZ_PORT) || (await freePort());
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [join(repoRoot, 'gateway/dist/embedded/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      AUTH_MACHINE_CLIENTS: JSON.stringify(clients),
      // A run lasts minutes: its tokens must last longer.
      ACCESS_TOKEN_TTL_SECONDS: String(24 * 3600),
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
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child);
  const token = async ({ clientId, secret }) => {
    const basic = Buffer.from(`${clientId}:${secret}`).toString('base64');
    const response = await fetch(`${url}/auth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    if (!response.ok) throw new Error(`no token for ${clientId}: ${response.status}`);
    return (await response.json()).access_token;
  };
  const tokens = {};
  for (const client of clients) tokens[client.roles[0]] = await token(client);
  process.stdout.write(`${JSON.stringify({ url, tokens, log: logFile })}\n`);
}

main().catch((error) => {
  process.stderr.write(`fuzz platform: ${error.stack ?? error}\n`);
  process.exit(1);
});

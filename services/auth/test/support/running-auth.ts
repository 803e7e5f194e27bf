import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

const serviceRoot = join(__dirname, '..', '..');

/** The built entry points: oidc-provider cannot be loaded inside jest's sandbox. */
export const entryPoints = {
  /** The service's own process (MySQL): what the distributed mode runs. */
  distributed: join(serviceRoot, 'dist', 'main.js'),
  /** The service hosted as the embedded process hosts it (SQLite under DATA_DIR). */
  embedded: join(__dirname, 'embedded-auth-host.cjs'),
} as const;

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** The auth service running as its own process on a port of this machine. */
export interface RunningAuth {
  readonly baseUrl: string;
  /** The provider is mounted at /auth. */
  readonly issuer: string;
  readonly port: number;
  /** What it has logged (JSON lines on stdout) so far. */
  readonly logs: LogLine[];
  /** SIGTERM, and waits for the graceful exit. */
  stop(): Promise<void>;
}

/**
 * Waits for a line with every field of `fields` (a process writes its logs a moment after it
 * answers, and the pipe takes another), and returns it; fails after `timeoutMs`.
 */
export async function untilLogged(
  auth: RunningAuth,
  fields: Readonly<Record<string, unknown>>,
  timeoutMs = 5_000,
): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = auth.logs.find((each) =>
      Object.entries(fields).every(([name, value]) => each[name] === value),
    );
    if (line) return line;
    if (Date.now() > deadline) {
      throw new Error(`auth never logged ${JSON.stringify(fields)} within ${timeoutMs} ms`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Ready once it says it listens (so whatever it logged before is read) and says it is. */
async function waitUntilReady(
  url: string,
  child: ChildProcess,
  logs: readonly LogLine[],
  output: () => string,
) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`auth exited with ${child.exitCode}:\n${output()}`);
    }
    try {
      const listening = logs.some((line) => line.msg === 'auth listening');
      if (listening && (await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`auth did not get ready:\n${output()}`);
}

/**
 * Starts the built service with `env` (its configuration) on `port` (a free one when 0; a
 * restart passes the one it had, so the issuer stays the same).
 */
export async function startAuth(
  entry: keyof typeof entryPoints,
  env: Record<string, string>,
  port = 0,
): Promise<RunningAuth> {
  const main = entryPoints[entry];
  const built = entry === 'distributed' ? main : entryPoints.distributed;
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  const bound = port || (await freePort());
  const baseUrl = `http://127.0.0.1:${bound}`;
  const issuer = `${baseUrl}/auth`;
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(bound), AUTH_ISSUER: issuer },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let text = '';
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await waitUntilReady(baseUrl, child, logs, () => text);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    baseUrl,
    issuer,
    port: bound,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

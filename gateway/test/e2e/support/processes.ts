import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../../..');
/** Where the test runs keep what they leave behind (logs, screenshots): git-ignored. */
export const runDir = process.env.TEST_SERVERS_DIR ?? join(repoRoot, '.servers');
const logDir = join(runDir, 'e2e-logs');

/** A port nobody listens on now: asked from the OS, then released for the child to take. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The built entry point of a service, as the distributed mode runs it. */
export const serviceMain = (service: string): string =>
  join(repoRoot, 'services', service, 'dist', 'main.js');

/** The built entry point of the single embedded process (`npm start`). */
export const embeddedMain = join(repoRoot, 'gateway', 'dist', 'embedded', 'main.js');

/**
 * A built entry point running as its own operating-system process, as a deployment runs it.
 * Its output goes to .servers/e2e-logs/<name>.log.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  readonly url: string;

  constructor(
    readonly name: string,
    private readonly main: string,
    private readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get logFile(): string {
    return join(logDir, `${this.name}.log`);
  }

  async start(): Promise<void> {
    const { main } = this;
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
    mkdirSync(logDir, { recursive: true });
    const log = createWriteStream(this.logFile, { flags: 'a' });
    // A gateway's operators' port too, so that processes of parallel tests never share one.
    const operations = { OPS_PORT: String(await freePort()) };
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, ...operations, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
    await this.waitUntilReady();
  }

  /** Dies at once, as a crashed machine would: nothing is flushed or finished. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  /** Graceful: SIGTERM, and waits for the process to finish its work and exit. */
  async stop(): Promise<number | null> {
    if (!this.child) return null;
    this.child.kill('SIGTERM');
    const code = (await this.exited) ?? null;
    this.child = undefined;
    return code;
  }

  private async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited?.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) break;
      try {
        const response = await fetch(`${this.url}/health/ready`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    const tail = readFileSync(this.logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(
      `${this.name} did not become ready (${exitCode !== undefined ? `exited with ${exitCode}` : 'timeout'}); log tail:\n${tail}`,
    );
  }
}

/** Serves a JSON Web Key Set, as the authorization server publishes its keys. */
export async function serveJwks(
  jwks: unknown,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** Polls `probe` until it returns a value, or fails with what it last saw. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

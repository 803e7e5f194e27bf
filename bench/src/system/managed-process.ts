import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every child still running, so that an exit of any kind can take them down with it. */
const alive = new Set<ManagedProcess>();

/**
 * The last resort, for an exit the cleanup did not run before (an uncaught error, a second
 * Ctrl-C): SIGKILL to each child's process group. Synchronous, as an 'exit' handler must be.
 */
export function killAllNow(): void {
  for (const child of alive) child.killNow();
}
process.on('exit', killAllNow);

let profiling = false;

/** From now on, children write V8 CPU profiles (`--cpu-prof`) into `profiles/` beside their logs. */
export function profileChildren(): void {
  profiling = true;
}

/**
 * `count` distinct ports nobody listens on now: all asked from the OS and held until the last
 * is known (released one by one, the OS could hand one out twice), then released for children.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(
    servers.map((server) => new Promise<void>((done) => server.listen(0, '127.0.0.1', done))),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}

/**
 * A built entry point of the platform run as its own process, in its own process group (so
 * a Ctrl-C in the terminal reaches the benchmark, which stops it in order), its output going
 * straight to a log file.
 */
export class ManagedProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private exitCode: number | null | undefined;
  readonly url: string;

  constructor(
    readonly name: string,
    private readonly main: string,
    readonly port: number,
    /** Added to the benchmark's environment; an undefined value removes the variable. */
    private readonly env: Record<string, string | undefined>,
    readonly logFile: string,
    /** A command the process runs under (valgrind...), before `node`. */
    private readonly launcher: readonly string[] = [],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (!existsSync(this.main)) {
      throw new Error(`${this.main} is missing: run \`npm run build\` first`);
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [name, value] of Object.entries(this.env)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    env.PORT = String(this.port);
    const log = openSync(this.logFile, 'a');
    try {
      const profile = profiling
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${join(dirname(this.logFile), 'profiles')}`,
            `--cpu-prof-name=${this.name}-${Date.now()}.cpuprofile`,
          ]
        : [];
      const [command, ...args] = [...this.launcher, process.execPath, ...profile, this.main];
      const child = spawn(command as string, args, {
        env,
        stdio: ['ignore', log, log],
        detached: true,
      });
      this.child = child;
      this.exitCode = undefined;
      this.exited = new Promise((done) =>
        child.once('exit', (code, signal) => {
          this.exitCode = code ?? (signal ? -1 : null);
          alive.delete(this);
          done(code);
        }),
      );
      alive.add(this);
    } finally {
      closeSync(log);
    }
  }

  /** Waits for /health/ready to answer 200; fails with the log's tail if it never does. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined) break;
      try {
        const response = await fetch(`${this.url}/health/ready`, {
          signal: AbortSignal.timeout(2_000),
        });
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(
      `${this.name} did not become ready (${
        this.exitCode !== undefined ? `exited with ${this.exitCode}` : 'timeout'
      }); its log (${this.logFile}) ends:\n${this.logTail()}`,
    );
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, then SIGKILL to the group if it has not exited within `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || this.exitCode !== undefined) return;
    child.kill('SIGTERM');
    const done = await Promise.race([
      this.exited?.then(() => true),
      sleep(graceMs).then(() => false),
    ]);
    if (!done) {
      this.killNow();
      await this.exited;
    }
  }

  /** SIGKILL, as a crash would end it; resolves once it is gone. */
  async crash(): Promise<void> {
    this.killNow();
    await this.exited;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitCode === undefined;
  }

  killNow(): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.exitCode !== undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

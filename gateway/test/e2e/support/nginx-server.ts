import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { programPath } from '@expedientes/shared-kernel/testing';
import { eventually, freePort, repoRoot } from './processes';

/**
 * A server block of the repository's (`path`, from the repository's root) made to listen on
 * 127.0.0.1:`port`, with `replacements` applied: each pattern must match.
 */
export function localServerBlock(
  path: string,
  port: number,
  replacements: ReadonlyArray<readonly [RegExp, string]> = [],
): string {
  let block = readFileSync(join(repoRoot, path), 'utf8');
  for (const [pattern, replacement] of [
    [/^(\s*)listen\s+[^;]+;/m, `$1listen 127.0.0.1:${port};`] as const,
    ...replacements,
  ]) {
    if (!pattern.test(block)) throw new Error(`${path} has nothing that matches ${pattern}`);
    block = block.replace(pattern, replacement);
  }
  return block;
}

/**
 * `http` context around the blocks of the images' configuration, as their nginx.conf gives
 * it, made to run in the foreground as whoever runs the tests, everything it writes in `dir`.
 */
function mainConfig(blocks: string, dir: string): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  return [
    'daemon off;',
    'worker_processes 1;',
    // Run as root, nginx's workers would be www-data, who may not enter the checkout (a
    // clone in a 0700 folder): they serve it as the user who runs the tests.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} notice;`,
    'events { worker_connections 64; }',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    `  access_log ${join(dir, 'access.log')};`,
    `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}`,
    blocks,
    '}',
    '',
  ].join('\n');
}

/** Debian's nginx running a server block of the repository on a free local port. */
export class NginxServer {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private dir?: string;
  url = '';

  /** `blockFor` makes the server block for the port; `healthPath` answers 200 once it serves. */
  constructor(
    private readonly blockFor: (port: number) => string,
    private readonly healthPath: string,
  ) {}

  async start(): Promise<void> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'expedientes-nginx-'));
    chmodSync(dir, 0o755); // run as root, nginx's workers drop to an unprivileged user
    this.dir = dir;
    const config = join(dir, 'nginx.conf');
    writeFileSync(config, mainConfig(this.blockFor(port), dir));
    // -e: the error log before the configuration is read; it defaults to a system path.
    const child = spawn(programPath('nginx'), ['-e', join(dir, 'error.log'), '-c', config], {
      stdio: 'ignore',
    });
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    this.url = `http://127.0.0.1:${port}`;
    await eventually(async () => {
      if (exitCode !== undefined) {
        throw new Error(`nginx exited with ${exitCode}: ${this.log('error.log')}`);
      }
      return (await fetch(`${this.url}${this.healthPath}`)).ok || undefined;
    }, `nginx at ${this.url}`);
  }

  /** Graceful: SIGQUIT lets nginx finish its requests. */
  async stop(): Promise<void> {
    if (this.child) {
      this.child.kill('SIGQUIT');
      await this.exited;
      this.child = undefined;
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** What nginx has written to `name` in its folder (access.log, error.log). */
  log(name: string): string {
    const file = this.dir && join(this.dir, name);
    return file && existsSync(file) ? readFileSync(file, 'utf8') : '';
  }
}

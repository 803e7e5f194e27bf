import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { programPath } from './programs';
import { eventually, freePort, repoRoot } from './processes';

export const frontendDist = join(repoRoot, 'frontend', 'dist');
const imageConfig = join(repoRoot, 'frontend', 'nginx.conf');

/**
 * The frontend image's server block (frontend/nginx.conf) on a local port with the local
 * build as its root, inside the main context the image's nginx.conf gives it, made to run in
 * the foreground as whoever runs the tests, everything it writes kept in `dir`.
 */
export function frontendNginxConfig(port: number, dir: string, root = frontendDist): string {
  const server = readFileSync(imageConfig, 'utf8');
  const local = server
    .replace(/^(\s*)listen\s+[^;]+;/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(\s*)root\s+[^;]+;/m, `$1root ${root};`);
  if (!local.includes(`listen 127.0.0.1:${port};`) || !local.includes(`root ${root};`)) {
    throw new Error(`${imageConfig} has no listen and root directives to replace`);
  }
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
    local,
    '}',
    '',
  ].join('\n');
}

/** nginx serving frontend/dist as the frontend container does, for the distributed gateway. */
export class FrontendServer {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private dir?: string;
  url = '';

  constructor(private readonly root = frontendDist) {}

  async start(): Promise<void> {
    if (!existsSync(join(this.root, 'index.html'))) {
      throw new Error(`${this.root} has no index.html: run \`npm run build\` first`);
    }
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'expedientes-nginx-'));
    chmodSync(dir, 0o755); // run as root, nginx's workers drop to an unprivileged user
    this.dir = dir;
    const config = join(dir, 'nginx.conf');
    writeFileSync(config, frontendNginxConfig(port, dir, this.root));
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
        throw new Error(`nginx exited with ${exitCode}: ${this.errorLog()}`);
      }
      return (await fetch(`${this.url}/healthz`)).ok || undefined;
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

  /** The paths nginx has answered, in order, from its access log. */
  servedPaths(): string[] {
    return [...this.log('access.log').matchAll(/"[A-Z]+ (\S+) HTTP\/[\d.]+"/g)].map(
      (request) => request[1],
    );
  }

  private errorLog(): string {
    return this.log('error.log');
  }

  private log(name: string): string {
    const file = this.dir && join(this.dir, name);
    return file && existsSync(file) ? readFileSync(file, 'utf8') : '';
  }
}

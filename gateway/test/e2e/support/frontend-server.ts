import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localServerBlock, NginxServer } from './nginx-server';
import { repoRoot } from './processes';

export const frontendDist = join(repoRoot, 'frontend', 'dist');

/** nginx serving frontend/dist as the frontend container does, for the distributed gateway. */
export class FrontendServer extends NginxServer {
  constructor(private readonly root = frontendDist) {
    // The image's server block (frontend/nginx.conf) with the local build as its root.
    super(
      (port) =>
        localServerBlock('frontend/nginx.conf', port, [
          [/^(\s*)root\s+[^;]+;/m, `$1root ${root};`],
        ]),
      '/healthz',
    );
  }

  override async start(): Promise<void> {
    if (!existsSync(join(this.root, 'index.html'))) {
      throw new Error(`${this.root} has no index.html: run \`npm run build\` first`);
    }
    await super.start();
  }

  /** The paths nginx has answered, in order, from its access log. */
  servedPaths(): string[] {
    return [...this.log('access.log').matchAll(/"[A-Z]+ (\S+) HTTP\/[\d.]+"/g)].map(
      (request) => request[1],
    );
  }
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrontendServer } from '../e2e/support/frontend-server';
import { describeWithPrograms } from '@expedientes/shared-kernel/testing';

/** The frontend image's nginx (frontend/nginx.conf, Debian's nginx) over a small build. */
describeWithPrograms(['nginx'], "the frontend image's nginx (frontend/nginx.conf)", () => {
  const root = mkdtempSync(join(tmpdir(), 'frontend-build-'));
  const server = new FrontendServer(root);

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Expedientes</title>');
    writeFileSync(join(root, 'assets', 'app-1a2b3c.js'), 'console.log(1)');
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`${server.url}${path}`);

  it('serves client-side routes the application page, never cached', async () => {
    const page = await get('/expedientes/5f0c-e1d2');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Expedientes</title>');
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });

  it('caches hashed assets for good, and 404s a missing one', async () => {
    const asset = await get('/assets/app-1a2b3c.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/app-000000.js')).status).toBe(404);
  });

  it('serves the files of the build, and 404s one it lacks instead of the page', async () => {
    const icon = await get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    for (const path of ['/favicon.ico', '/robots.txt']) {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 404 });
    }
  });
});

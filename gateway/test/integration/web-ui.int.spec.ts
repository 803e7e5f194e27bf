import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { silentLogger } from '@expedientes/shared-kernel';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { proxiedWebUi } from '../../src/web-ui/proxied-web-ui';
import { staticWebUi } from '../../src/web-ui/static-web-ui';
import { freePort } from '../e2e/support/processes';
import { ApiClient } from '../support/api-client';
import { BareGateway, startBareGateway } from '../support/bare-gateway';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-3f2a1b.js"></script></head></html>';
const SCRIPT = 'console.log("expedientes")';

/** A build as vite leaves it: index.html, hashed assets, a file of the public folder. */
function builtFrontend(): string {
  const dir = mkdtempSync(join(tmpdir(), 'frontend-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-3f2a1b.js'), SCRIPT);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

/** A build worth compressing: a real-sized page and script, a stylesheet, an image. */
const BIG_INDEX = `<!doctype html><html lang="es"><head><meta charset="utf-8">${Array.from(
  { length: 40 },
  (_, i) => `<link rel="modulepreload" href="/assets/chunk-${i}-3f2a1b.js">`,
).join('')}<script type="module" src="/assets/app-big-3f2a1b.js"></script></head></html>`;
const BIG_SCRIPT = Array.from(
  { length: 300 },
  (_, i) => `export const etiqueta${i} = "Expediente número ${i}: en tramitación";`,
).join('\n');
const STYLES = Array.from({ length: 100 }, (_, i) => `.fila-${i} { margin: ${i}px; }`).join('\n');
const IMAGE = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4096)]);

function compressibleFrontend(): string {
  const dir = mkdtempSync(join(tmpdir(), 'frontend-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), BIG_INDEX);
  writeFileSync(join(dir, 'assets', 'app-big-3f2a1b.js'), BIG_SCRIPT);
  writeFileSync(join(dir, 'assets', 'app-3f2a1b.js'), SCRIPT); // too small to gain anything
  writeFileSync(join(dir, 'assets', 'index-3f2a1b.css'), STYLES);
  writeFileSync(join(dir, 'assets', 'logo-3f2a1b.png'), IMAGE);
  return dir;
}

interface RawReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** As sent: not decompressed, unlike fetch's. */
  readonly bytes: Buffer;
}

function raw(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawReply> {
  return new Promise((done, fail) => {
    const sent = httpRequest(`${baseUrl}${path}`, { method, headers }, (reply) => {
      const chunks: Buffer[] = [];
      reply.on('data', (chunk: Buffer) => chunks.push(chunk));
      reply.on('error', fail);
      reply.on('end', () =>
        done({ status: reply.statusCode!, headers: reply.headers, bytes: Buffer.concat(chunks) }),
      );
    });
    sent.on('error', fail);
    sent.end();
  });
}

const decoded = (reply: RawReply): Buffer => {
  switch (reply.headers['content-encoding']) {
    case 'br':
      return brotliDecompressSync(reply.bytes);
    case 'gzip':
      return gunzipSync(reply.bytes);
    default:
      return reply.bytes;
  }
};

/** What must stay the platform's own answers, never the application's page. */
const notTheWebUi = [
  '/api/v1/no-existe',
  '/api/docs-no',
  '/health/no-existe',
  '/login/no-existe',
  '/logout',
  '/auth/no-existe',
  '/internal/no-existe',
];

describe('The web UI, served by the gateway', () => {
  let issuer: TestTokenIssuer;
  const stops: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    issuer = await TestTokenIssuer.create();
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  const gatewayWith = async (
    options: Parameters<typeof startBareGateway>[1],
  ): Promise<{ gateway: BareGateway; client: ApiClient }> => {
    const gateway = await startBareGateway(issuer, options);
    stops.push(() => gateway.stop());
    return { gateway, client: new ApiClient(gateway.url) };
  };

  describe('from its build (FRONTEND_DIR)', () => {
    let client: ApiClient;

    beforeAll(async () => {
      const dir = builtFrontend();
      stops.push(async () => rmSync(dir, { recursive: true, force: true }));
      ({ client } = await gatewayWith({ webUi: staticWebUi(dir, silentLogger) }));
    });

    it('serves the application’s page at / and at every client-side route, never cached', async () => {
      for (const path of [
        '/',
        '/expedientes',
        '/expedientes/nuevo',
        '/expedientes/exp-1?asOf=2030-01-01T10:00',
      ]) {
        const reply = await client.request(path);
        expect({ path, status: reply.status }).toEqual({ path, status: 200 });
        expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
        expect(reply.headers.get('cache-control')).toBe('no-cache');
        expect(reply.body).toBe(INDEX);
      }
    });

    it('serves hashed assets for good, and 404s an asset that does not exist', async () => {
      const script = await client.request('/assets/app-3f2a1b.js');
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(script.body).toBe(SCRIPT);
      const missing = await client.request('/assets/app-000000.js');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('serves the other files of the build, revalidated on each use', async () => {
      const icon = await client.request('/favicon.svg');
      expect(icon.status).toBe(200);
      expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(icon.headers.get('cache-control')).toBe('no-cache');
    });

    it('answers a file the build does not have with 404, never the application page', async () => {
      for (const path of ['/favicon.ico', '/robots.txt', '/expedientes/informe.pdf']) {
        const reply = await client.request(path);
        expect({ path, status: reply.status }).toEqual({ path, status: 404 });
        expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      // A client-side route with a dot-free id is still the page.
      expect((await client.request('/expedientes/5f0c-e1d2')).headers.get('content-type')).toMatch(
        /^text\/html/,
      );
    });

    it('answers HEAD like GET, without a body', async () => {
      const reply = await client.request('/expedientes', { method: 'HEAD' });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
      expect(reply.bytes).toHaveLength(0);
    });

    it('leaves the API, login, health, /auth and /internal their own 404s', async () => {
      for (const path of notTheWebUi) {
        const reply = await client.request(path);
        expect({ path, status: reply.status, code: reply.body?.code }).toEqual({
          path,
          status: 404,
          code: 'API.NOT_FOUND',
        });
      }
      const metrics = await client.request('/metrics');
      expect(metrics.headers.get('content-type')).not.toMatch(/^text\/html/);
    });

    it('does not answer other methods with the page', async () => {
      const reply = await client.request('/expedientes', { method: 'POST', json: {} });
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ code: 'API.NOT_FOUND' });
    });

    it('lets the built application run under the content security policy', async () => {
      const csp = (await client.request('/')).headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).toMatch(/img-src 'self' data:/);
      // Over http, upgrading the page's requests would send them to an https nobody serves.
      expect(csp).not.toMatch(/upgrade-insecure-requests/);
    });
  });

  describe('compressed', () => {
    let dir: string;
    let baseUrl: string;
    const IMMUTABLE = 'public, max-age=31536000, immutable';

    beforeAll(async () => {
      dir = compressibleFrontend();
      stops.push(async () => rmSync(dir, { recursive: true, force: true }));
      baseUrl = (await gatewayWith({ webUi: staticWebUi(dir, silentLogger) })).gateway.url;
    });

    it('sends text files in br or gzip as the request prefers, br on a tie', async () => {
      for (const [acceptEncoding, coding] of [
        ['gzip, deflate, br, zstd', 'br'],
        ['br', 'br'],
        ['gzip', 'gzip'],
        ['x-gzip', 'gzip'],
        ['br;q=0.5, gzip', 'gzip'],
        ['gzip;q=0.8, br;q=0.9', 'br'],
        ['br;q=0, *', 'gzip'],
        ['deflate, *;q=0.1', 'br'],
      ] as const) {
        for (const [path, file, type] of [
          ['/assets/app-big-3f2a1b.js', BIG_SCRIPT, /javascript/],
          ['/assets/index-3f2a1b.css', STYLES, /^text\/css/],
        ] as const) {
          const reply = await raw(baseUrl, path, { 'accept-encoding': acceptEncoding });
          expect({ acceptEncoding, path, coding: reply.headers['content-encoding'] }).toEqual({
            acceptEncoding,
            path,
            coding,
          });
          expect(reply.status).toBe(200);
          expect(reply.headers.vary).toMatch(/accept-encoding/i);
          expect(reply.headers['content-type']).toMatch(type);
          expect(reply.headers['cache-control']).toBe(IMMUTABLE);
          expect(reply.headers['content-length']).toBe(String(reply.bytes.length));
          expect(reply.bytes.length).toBeLessThan(Buffer.byteLength(file) / 2);
          expect(decoded(reply).equals(Buffer.from(file))).toBe(true);
        }
      }
    });

    it('sends them as they are where neither is taken, still varying on Accept-Encoding', async () => {
      for (const headers of [
        {} as Record<string, string>,
        { 'accept-encoding': 'identity' },
        { 'accept-encoding': 'br;q=0, gzip;q=0' },
        { 'accept-encoding': 'gzip;q=0, deflate, br;q=0' },
        { 'accept-encoding': '*;q=0, identity' },
        { 'accept-encoding': 'gzip;q=0.5, identity' },
      ]) {
        const reply = await raw(baseUrl, '/assets/app-big-3f2a1b.js', headers);
        expect({ headers, coding: reply.headers['content-encoding'] }).toEqual({
          headers,
          coding: undefined,
        });
        expect(reply.status).toBe(200);
        expect(reply.headers.vary).toMatch(/accept-encoding/i);
        expect(reply.headers['cache-control']).toBe(IMMUTABLE);
        expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(BIG_SCRIPT)));
        expect(reply.bytes.equals(Buffer.from(BIG_SCRIPT))).toBe(true);
      }
    });

    it('sends a file that compression would not make smaller as it is', async () => {
      const reply = await raw(baseUrl, '/assets/app-3f2a1b.js', { 'accept-encoding': 'br, gzip' });
      expect(reply.headers['content-encoding']).toBeUndefined();
      expect(reply.headers.vary).toMatch(/accept-encoding/i);
      expect(reply.bytes.toString()).toBe(SCRIPT);
    });

    it('compresses the application’s page too, at every client-side route, never cached', async () => {
      for (const path of ['/', '/expedientes/exp-1', '/index.html']) {
        const reply = await raw(baseUrl, path, { 'accept-encoding': 'gzip, deflate, br' });
        expect({ path, coding: reply.headers['content-encoding'] }).toEqual({ path, coding: 'br' });
        expect(reply.status).toBe(200);
        expect(reply.headers['content-type']).toMatch(/^text\/html/);
        expect(reply.headers['cache-control']).toBe('no-cache');
        expect(reply.headers.vary).toMatch(/accept-encoding/i);
        expect(reply.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(decoded(reply).toString()).toBe(BIG_INDEX);
        const plain = await raw(baseUrl, path);
        expect(plain.headers['content-encoding']).toBeUndefined();
        expect(plain.headers.vary).toMatch(/accept-encoding/i);
        expect(plain.bytes.toString()).toBe(BIG_INDEX);
      }
    });

    it('gives each coding its own ETag, and answers 304 to a request that has that one', async () => {
      const path = '/assets/app-big-3f2a1b.js';
      const br = await raw(baseUrl, path, { 'accept-encoding': 'br' });
      const gzipped = await raw(baseUrl, path, { 'accept-encoding': 'gzip' });
      const plain = await raw(baseUrl, path);
      const etags = [br, gzipped, plain].map((reply) => reply.headers.etag);
      expect(new Set(etags).size).toBe(3);
      expect(br.headers.etag).toBe(plain.headers.etag!.replace(/"$/, '-br"'));
      expect(br.headers['last-modified']).toBe(plain.headers['last-modified']);

      const unchanged = await raw(baseUrl, path, {
        'accept-encoding': 'br',
        'if-none-match': br.headers.etag!,
      });
      expect(unchanged.status).toBe(304);
      expect(unchanged.bytes).toHaveLength(0);
      expect(unchanged.headers.etag).toBe(br.headers.etag);
      expect(unchanged.headers.vary).toMatch(/accept-encoding/i);
      expect(unchanged.headers['cache-control']).toBe(IMMUTABLE);

      // The br variant's ETag does not validate another coding's answer, nor the other way.
      const other = await raw(baseUrl, path, {
        'accept-encoding': 'gzip',
        'if-none-match': br.headers.etag!,
      });
      expect(other.status).toBe(200);
      expect(other.headers['content-encoding']).toBe('gzip');
      const notBr = await raw(baseUrl, path, {
        'accept-encoding': 'br',
        'if-none-match': plain.headers.etag!,
      });
      expect(notBr.status).toBe(200);
      expect(decoded(notBr).toString()).toBe(BIG_SCRIPT);
      const plainUnchanged = await raw(baseUrl, path, { 'if-none-match': plain.headers.etag! });
      expect(plainUnchanged.status).toBe(304);

      const sinceThen = await raw(baseUrl, path, {
        'accept-encoding': 'gzip',
        'if-modified-since': gzipped.headers['last-modified']!,
      });
      expect(sinceThen.status).toBe(304);
      expect(sinceThen.headers.etag).toBe(gzipped.headers.etag);
    });

    it('answers HEAD with the headers of GET, without a body', async () => {
      for (const path of ['/assets/app-big-3f2a1b.js', '/expedientes']) {
        const get = await raw(baseUrl, path, { 'accept-encoding': 'br' });
        const head = await raw(baseUrl, path, { 'accept-encoding': 'br' }, 'HEAD');
        expect(head.status).toBe(200);
        expect(head.bytes).toHaveLength(0);
        for (const name of [
          'content-encoding',
          'content-length',
          'content-type',
          'etag',
          'vary',
          'cache-control',
        ]) {
          expect({ path, name, value: head.headers[name] }).toEqual({
            path,
            name,
            value: get.headers[name],
          });
        }
        expect(head.headers['content-encoding']).toBe('br');
      }
    });

    it('sends images as they are', async () => {
      const reply = await raw(baseUrl, '/assets/logo-3f2a1b.png', {
        'accept-encoding': 'gzip, deflate, br',
      });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('image/png');
      expect(reply.headers['content-encoding']).toBeUndefined();
      expect(reply.headers['cache-control']).toBe(IMMUTABLE);
      expect(reply.bytes.equals(IMAGE)).toBe(true);
    });

    it('compresses each version of a file once, and a new version again', async () => {
      const path = join(dir, 'assets', 'cached-3f2a1b.js');
      const first = new Date('2030-01-01T10:00:00Z');
      const before = BIG_SCRIPT.replaceAll('Expediente', 'Primero');
      const after = BIG_SCRIPT.replaceAll('Expediente', 'Segundo');
      expect(after.length).toBe(before.length);
      writeFileSync(path, before);
      utimesSync(path, first, first);
      const read = async (coding: string) =>
        decoded(
          await raw(baseUrl, '/assets/cached-3f2a1b.js', { 'accept-encoding': coding }),
        ).toString();
      expect(await read('br')).toBe(before);

      // The same path, size and mtime: the compressed copies in memory, made from the first.
      writeFileSync(path, after);
      utimesSync(path, first, first);
      expect(await read('br')).toBe(before);
      expect(await read('gzip')).toBe(before);

      const later = new Date('2030-01-01T10:00:05Z');
      utimesSync(path, later, later);
      expect(await read('br')).toBe(after);
      expect(await read('gzip')).toBe(after);
    });

    it('serves a file added or removed after it started, and 404s a missing asset', async () => {
      const path = join(dir, 'assets', 'late-3f2a1b.css');
      writeFileSync(path, STYLES);
      const late = await raw(baseUrl, '/assets/late-3f2a1b.css', { 'accept-encoding': 'gzip' });
      expect(decoded(late).toString()).toBe(STYLES);
      rmSync(path);
      const gone = await raw(baseUrl, '/assets/late-3f2a1b.css', { 'accept-encoding': 'gzip' });
      expect(gone.status).toBe(404);
      expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('does not serve dotfiles nor anything outside its folder, compressed or not', async () => {
      writeFileSync(join(dir, '.env.json'), JSON.stringify({ secreto: 'x'.repeat(2000) }));
      for (const path of ['/.env.json', '/assets/..%2F.env.json', '/%2e%2e/package.json']) {
        const reply = await raw(baseUrl, path, { 'accept-encoding': 'br, gzip' });
        expect(reply.status).not.toBe(500);
        expect(decoded(reply).toString()).not.toMatch(/secreto|"name"/);
      }
    });
  });

  it('upgrades insecure requests where the platform is on https', async () => {
    const { client } = await gatewayWith({
      webUi: staticWebUi(builtFrontendFor(stops), silentLogger),
      publicUrl: 'https://expedientes.example.org',
    });
    const csp = (await client.request('/')).headers.get('content-security-policy');
    expect(csp).toMatch(/upgrade-insecure-requests/);
  });

  it('says in Spanish that the web UI is not built when it is not, at any of its addresses', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'frontend-empty-'));
    stops.push(async () => rmSync(empty, { recursive: true, force: true }));
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (...args: unknown[]) => warnings.push(args) };
    const { client } = await gatewayWith({ webUi: staticWebUi(empty, logger as never) });
    expect(warnings).toHaveLength(1);
    for (const path of ['/', '/expedientes/exp-1']) {
      const reply = await client.request(path);
      expect(reply.status).toBe(503);
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
      expect(reply.body).toMatch(/La interfaz web no está construida/);
      expect(reply.body).toMatch(/npm run build/);
    }
    expect(warnings).toHaveLength(1);
  });

  describe('from its own server (FRONTEND_URL)', () => {
    let nginx: Server;
    let client: ApiClient;
    const received: IncomingHttpHeaders[] = [];

    /** Stands in for the frontend image's nginx: the page, an asset, 304s and a 404. */
    beforeAll(async () => {
      nginx = createServer((req, res) => {
        received.push(req.headers);
        if (req.url === '/assets/app-3f2a1b.js') {
          res.writeHead(200, {
            'content-type': 'application/javascript',
            'cache-control': 'public, max-age=31536000, immutable',
            etag: '"asset-1"',
            server: 'nginx',
          });
          res.end(SCRIPT);
        } else if (req.url?.startsWith('/assets/')) {
          res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404 Not Found</h1>');
        } else if (req.headers['if-none-match'] === '"index-1"') {
          res.writeHead(304, { etag: '"index-1"', 'cache-control': 'no-cache' }).end();
        } else {
          res.writeHead(200, {
            'content-type': 'text/html',
            'cache-control': 'no-cache',
            etag: '"index-1"',
            'set-cookie': 'nginx=1',
          });
          res.end(req.method === 'HEAD' ? undefined : INDEX);
        }
      });
      nginx.listen(0, '127.0.0.1');
      await new Promise((done) => nginx.once('listening', done));
      stops.push(() => new Promise((done) => nginx.close(done)));
      const target = `http://127.0.0.1:${(nginx.address() as AddressInfo).port}`;
      ({ client } = await gatewayWith({
        webUi: proxiedWebUi(target, { timeoutMs: 2_000, logger: silentLogger }),
      }));
    });

    it('passes its page through with status, type and cache headers, and no more', async () => {
      const reply = await client.request('/expedientes/exp-1?asOf=2030-01-01', {
        headers: { cookie: 'expedientes.sid=secreto', authorization: 'Bearer secreto' },
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(INDEX);
      expect(reply.headers.get('content-type')).toBe('text/html');
      expect(reply.headers.get('cache-control')).toBe('no-cache');
      expect(reply.headers.get('etag')).toBe('"index-1"');
      expect(reply.headers.get('set-cookie')).toBeNull();
      expect(reply.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      const asked = received.at(-1)!;
      expect(asked.cookie).toBeUndefined();
      expect(asked.authorization).toBeUndefined();
      expect(asked['x-correlation-id']).toEqual(reply.headers.get('x-correlation-id'));
    });

    it('passes assets, 304s and 404s through as the server answers them', async () => {
      const asset = await client.request('/assets/app-3f2a1b.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('server')).toBeNull();
      expect(asset.body).toBe(SCRIPT);
      const unchanged = await client.request('/', { headers: { 'if-none-match': '"index-1"' } });
      expect(unchanged.status).toBe(304);
      expect((await client.request('/assets/nada.js')).status).toBe(404);
      expect((await client.request('/', { method: 'HEAD' })).status).toBe(200);
    });

    it('never forwards the API’s or the login’s addresses', async () => {
      const before = received.length;
      for (const path of notTheWebUi) expect((await client.request(path)).status).toBe(404);
      expect(received.length).toBe(before);
    });
  });

  it('answers 503 when the web UI’s server is down, and 504 when it does not answer in time', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const { client: toDown } = await gatewayWith({
      webUi: proxiedWebUi(down, { timeoutMs: 1_000, logger: silentLogger }),
    });
    const refused = await toDown.request('/expedientes');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'API.SERVICE_UNAVAILABLE', service: 'frontend' });

    const silent = createServer(() => undefined); // takes the request, never answers
    silent.listen(0, '127.0.0.1');
    await new Promise((done) => silent.once('listening', done));
    stops.push(() => {
      silent.closeAllConnections();
      return new Promise((done) => silent.close(done));
    });
    const { client: toSilent } = await gatewayWith({
      webUi: proxiedWebUi(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, {
        timeoutMs: 300,
        logger: silentLogger,
      }),
    });
    const late = await toSilent.request('/');
    expect(late.status).toBe(504);
    expect(late.body).toMatchObject({ code: 'API.SERVICE_TIMEOUT', service: 'frontend' });
  });
});

/** A build whose folder goes when the suite ends. */
function builtFrontendFor(stops: Array<() => Promise<unknown>>): string {
  const dir = builtFrontend();
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { ServiceUrls } from '../../src/adapters/http/http-backends';
import { freePort } from '../e2e/support/processes';
import { RETRIED_UPLOAD_BYTES } from '../../src/adapters/http/http-documents-api';
import { ApiClient, formOf } from '../support/api-client';
import { startBareGateway } from '../support/bare-gateway';

type Behaviour = (
  req: { url: string; headers: IncomingHttpHeaders },
  res: import('node:http').ServerResponse,
) => void;

/** A stand-in for a service: answers as `behaviour` says and remembers what it was asked. */
async function fakeService(behaviour: Behaviour, port = 0) {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server: Server = createServer((req, res) => {
    const request = { url: req.url ?? '', headers: req.headers };
    seen.push(request);
    req.resume();
    behaviour(request, res);
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Behaviour =>
  (_req, res) => {
    res
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify(body));
  };

/**
 * What the gateway does when a service fails it: a service that is down, slow, broken or
 * talking nonsense becomes a 503, 504 or 502 problem (never a hang), and what the services
 * are sent carries the caller's token and the request's correlation id.
 */
describe('The API when a service fails it', () => {
  let issuer: TestTokenIssuer;
  let token: string;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    issuer = await TestTokenIssuer.create();
    token = await issuer.token({ userId: 'ana.tramitadora', roles: ['tramitador'] });
  });

  afterAll(async () => {
    for (const close of closers) await close();
  });

  async function gatewayOver(
    services: Partial<ServiceUrls>,
    options: { timeoutMs?: number; jwks?: URL; maxFileBytes?: number } = {},
  ) {
    const bare = await startBareGateway(issuer, {
      services,
      timeoutMs: options.timeoutMs ?? 5_000,
      jwks: options.jwks,
      ...(options.maxFileBytes
        ? { limits: { maxFileBytes: options.maxFileBytes, requestsPerMinute: 10_000 } }
        : {}),
    });
    closers.push(() => bare.stop());
    return new ApiClient(`${bare.url}/api/v1`);
  }

  it('passes the caller’s token and the correlation id on to the service', async () => {
    const page = { items: [], total: 0, page: 2, pageSize: 5 };
    const expedientes = await fakeService(json(200, page));
    closers.push(expedientes.close);
    const api = await gatewayOver({ expedientes: expedientes.url });
    const reply = await api.request('/expedientes?page=2&pageSize=5&q=obra', {
      token,
      headers: { 'x-correlation-id': 'peticion-123' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(page);
    expect(reply.headers.get('x-correlation-id')).toBe('peticion-123');
    expect(expedientes.seen).toHaveLength(1);
    const [asked] = expedientes.seen;
    expect(asked.url).toBe('/expedientes?q=obra&page=2&pageSize=5');
    expect(asked.headers.authorization).toBe(`Bearer ${token}`);
    expect(asked.headers['x-correlation-id']).toBe('peticion-123');
  });

  it('makes up a correlation id when the client sends none, or one that is not safe to log', async () => {
    const search = await fakeService(json(200, { items: [], total: 0, page: 1, pageSize: 20 }));
    closers.push(search.close);
    const api = await gatewayOver({ search: search.url });
    const fresh = await api.request('/search', { token });
    const made = fresh.headers.get('x-correlation-id') as string;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(search.seen[0].headers['x-correlation-id']).toBe(made);
    const unsafe = await api.request('/search', {
      token,
      headers: { 'x-correlation-id': 'a b\u00e9' },
    });
    expect(unsafe.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('503 with Retry-After when the service cannot be reached', async () => {
    const api = await gatewayOver({});
    const reply = await api.request('/expedientes', { token });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(reply.body).toMatchObject({
      status: 503,
      code: 'API.SERVICE_UNAVAILABLE',
      service: 'expedientes',
    });
  });

  it('tries a call that did not reach the service once more, as when a replica restarts', async () => {
    const port = await freePort();
    const api = await gatewayOver({ expedientes: `http://127.0.0.1:${port}` });
    const page = { items: [], total: 0, page: 1, pageSize: 20 };
    // Up a moment after the first attempt was refused.
    const starting = new Promise<Awaited<ReturnType<typeof fakeService>>>((resolve) =>
      setTimeout(() => resolve(fakeService(json(200, page), port)), 50),
    );
    const reply = await api.request('/expedientes', { token });
    const service = await starting;
    closers.push(service.close);
    expect(reply.status).toBe(200);
    expect(service.seen).toHaveLength(1);
  });

  it('tries a read the service turned away again, and a change with the same key', async () => {
    let calls = 0;
    const flaky = await fakeService((req, res) => {
      calls++;
      if (req.url.startsWith('/search') && calls === 1) {
        json(503, { status: 503, detail: 'arrancando' })(req, res);
      } else if (req.url.startsWith('/search')) {
        json(200, { items: [], total: 0, page: 1, pageSize: 20 })(req, res);
      } else {
        json(503, { status: 503, detail: 'arrancando' })(req, res);
      }
    });
    closers.push(flaky.close);
    const api = await gatewayOver({ search: flaky.url, expedientes: flaky.url });
    expect((await api.request('/search?q=obra', { token })).status).toBe(200);
    expect(flaky.seen).toHaveLength(2);
    const change = await api.request('/expedientes/x/transitions', {
      token,
      json: { hacia: 'ANALISIS_TECNICO' },
    });
    expect(change.status).toBe(503);
    // expedientes makes one change of three tries with one key: the gateway tried twice more.
    const keys = flaky.seen.slice(2).map((seen) => seen.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it('502 saying the outcome is unknown when a change loses its connection after it was sent', async () => {
    const dropping = await fakeService((_req, res) => res.socket?.destroy());
    closers.push(dropping.close);
    const api = await gatewayOver({ expedientes: dropping.url, bpm: dropping.url });
    const reply = await api.request('/expedientes/x/transitions', {
      token,
      json: { hacia: 'ANALISIS_TECNICO' },
      headers: { 'idempotency-key': 'clave-del-cliente' },
    });
    expect(reply.status).toBe(502);
    expect(reply.body).toMatchObject({ code: 'API.OUTCOME_UNKNOWN', service: 'expedientes' });
    // Tried three times with the client's key, which expedientes makes one change of.
    expect(dropping.seen.map((seen) => seen.headers['idempotency-key'])).toEqual([
      'clave-del-cliente',
      'clave-del-cliente',
      'clave-del-cliente',
    ]);
    // A read lost the same way did nothing: tried again, then unavailable.
    const read = await api.request('/expedientes/x/transitions', { token });
    expect(read.status).toBe(503);
    expect(dropping.seen).toHaveLength(6);
  });

  it('sends a new document lost with a replica again, unless it was too large to keep', async () => {
    const uploads: Array<string | undefined> = [];
    const documents = await fakeService((req, res) => {
      uploads.push(req.headers['content-length']);
      if (uploads.length % 2 === 1) {
        res.socket?.destroy(); // the replica died with the upload
        return;
      }
      const at = new Date().toISOString();
      json(201, {
        documentId: `doc-${uploads.length}`,
        version: 1,
        nombre: 'solicitud.pdf',
        mediaType: 'application/pdf',
        size: 1,
        sha256: 'x',
        expedienteId: null,
        subidoAt: at,
        subidoPor: 'ana.tramitadora',
        actualizadoAt: at,
        actualizadoPor: 'ana.tramitadora',
        versiones: [],
      })(req, res);
    });
    const expedientes = await fakeService(
      json(201, {
        expedienteId: 'e-1',
        codigo: 'EXP-1',
        estado: 'abierto',
        fase: null,
        version: 1,
      }),
    );
    closers.push(documents.close, expedientes.close);
    const api = await gatewayOver(
      { documents: documents.url, expedientes: expedientes.url },
      { maxFileBytes: 2 * RETRIED_UPLOAD_BYTES },
    );
    const open = (bytes: number) =>
      api.request('/expedientes', {
        token,
        form: formOf({ codigo: 'EXP-1', opcionInicial: 'SEDE_ELECTRONICA', descripcion: 'Obra' }, [
          new File([new Uint8Array(bytes)], 'solicitud.pdf', { type: 'application/pdf' }),
        ]),
      });

    expect((await open(50_000)).status).toBe(201);
    // Sent whole twice: the same bytes went to the second try.
    expect(uploads).toEqual(['50000', '50000']);

    const large = await open(RETRIED_UPLOAD_BYTES + 1);
    expect(large.status).toBe(502);
    expect(large.body).toMatchObject({ code: 'API.OUTCOME_UNKNOWN', service: 'documents' });
    expect(uploads).toHaveLength(3);
  });

  it('504 when the service does not answer in time, instead of hanging', async () => {
    const silent = await fakeService(() => undefined);
    closers.push(silent.close);
    const api = await gatewayOver({ bpm: silent.url }, { timeoutMs: 300 });
    const started = Date.now();
    const reply = await api.request('/expedientes/x/transitions', { token });
    expect(reply.status).toBe(504);
    expect(reply.body).toMatchObject({ code: 'API.SERVICE_TIMEOUT', service: 'bpm' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('502 when the service fails, saying nothing of its insides', async () => {
    const failing = await fakeService(
      json(500, { status: 500, detail: 'SQLITE_CORRUPT en /var/data' }),
    );
    closers.push(failing.close);
    const api = await gatewayOver({ search: failing.url });
    const reply = await api.request('/search?q=x', { token });
    expect(reply.status).toBe(502);
    expect(reply.body).toMatchObject({ code: 'API.SERVICE_FAILED', service: 'search' });
    expect(JSON.stringify(reply.body)).not.toContain('SQLITE');
  });

  it('502 when the service answers what its API does not promise', async () => {
    const odd = await fakeService(json(200, { resultados: 'muchos' }));
    closers.push(odd.close);
    const api = await gatewayOver({ search: odd.url });
    expect((await api.request('/search', { token })).status).toBe(502);
  });

  it('passes a service’s refusal on with its status and headers, and a 503 as a 503', async () => {
    const refusing = await fakeService(
      json(409, {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: 'Ya existe',
        code: 'X.Y',
      }),
    );
    const busy = await fakeService(
      json(503, { status: 503, detail: 'arrancando' }, { 'retry-after': '7' }),
    );
    closers.push(refusing.close, busy.close);
    const api = await gatewayOver({ expedientes: refusing.url, search: busy.url });
    const refused = await api.request('/expedientes/x/history', { token });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'Ya existe',
      code: 'X.Y',
    });
    expect((await api.request('/search', { token })).status).toBe(503);
  });

  it('503, not 401, when the issuer’s keys cannot be fetched', async () => {
    const api = await gatewayOver(
      {},
      { jwks: new URL(`http://127.0.0.1:${await freePort()}/jwks.json`) },
    );
    const reply = await api.request('/expedientes', { token });
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ code: 'AUTH.UNAVAILABLE' });
  });
});

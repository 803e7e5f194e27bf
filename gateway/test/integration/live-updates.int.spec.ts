import { AddressInfo } from 'node:net';
import { stopServer } from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import express from 'express';
import session from 'express-session';
import { LiveUpdates } from '../../src/api/live-updates';
import { CambioDeExpediente } from '../../src/model/cambio-de-expediente';
import { ExpedienteChangeListener, ExpedienteChanges } from '../../src/ports/expediente-changes';
import { ApiClient, fileOf, formOf } from '../support/api-client';
import { BareGateway, startBareGateway } from '../support/bare-gateway';
import { nextChange, openEventStream } from '../support/event-stream-client';
import {
  codigoNuevo,
  GatewayUnderTest,
  pdf,
  startGatewayUnderTest,
} from '../support/gateway-under-test';

/** The port as a test drives it: it says who listens, and tells them what it is given. */
class FakeChanges implements ExpedienteChanges {
  readonly listeners = new Set<ExpedienteChangeListener>();

  subscribe(listener: ExpedienteChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(cambio: CambioDeExpediente): void {
    for (const listener of this.listeners) listener(cambio);
  }
}

const eventually = async (check: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resume) => setTimeout(resume, 20));
  }
};

describe('Live updates: GET /api/v1/events', () => {
  let issuer: TestTokenIssuer;
  let token: string;
  let changes: FakeChanges;
  let gateway: BareGateway;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.create();
    token = await issuer.token({ userId: 'victor.validador', roles: ['validador'] });
  });

  beforeEach(async () => {
    changes = new FakeChanges();
    gateway = await startBareGateway(issuer, {
      changes,
      limits: { maxFileBytes: 1024, requestsPerMinute: 10_000, liveStreams: 2 },
    });
  });

  afterEach(() => gateway.stop());

  const events = () => `${gateway.url}/api/v1/events`;

  it('streams every change as an `expediente` event, with the headers proxies need', async () => {
    const stream = await openEventStream(events(), { authorization: `Bearer ${token}` });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-cache');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    expect(await stream.next()).toEqual({ retry: '3000' });
    await eventually(() => changes.listeners.size === 1, 'the stream listens');

    changes.emit({ expedienteId: 'exp-1', version: 1, tipo: 'abierto' });
    changes.emit({ expedienteId: 'exp-2', version: 4, tipo: 'fase-cambiada' });

    expect(await stream.next()).toEqual({
      event: 'expediente',
      data: '{"expedienteId":"exp-1","version":1,"tipo":"abierto"}',
    });
    expect(await nextChange(stream)).toEqual({
      expedienteId: 'exp-2',
      version: 4,
      tipo: 'fase-cambiada',
    });
    stream.close();
  });

  it('stops listening for a client that hangs up', async () => {
    const first = await openEventStream(events(), { authorization: `Bearer ${token}` });
    const second = await openEventStream(events(), { authorization: `Bearer ${token}` });
    await eventually(() => changes.listeners.size === 2, 'both streams listen');

    first.close();
    await eventually(() => changes.listeners.size === 1, 'the first stream is gone');
    expect(gateway.gateway.liveUpdates.openStreams).toBe(1);
    changes.emit({ expedienteId: 'exp-3', version: 2, tipo: 'descripcion-editada' });
    expect(await nextChange(second)).toMatchObject({ expedienteId: 'exp-3' });
    second.close();
    await eventually(() => changes.listeners.size === 0, 'no stream is left');
  });

  it('refuses a stream beyond the cap with 503, and takes one again once a place is free', async () => {
    const open = [
      await openEventStream(events(), { authorization: `Bearer ${token}` }),
      await openEventStream(events(), { authorization: `Bearer ${token}` }),
    ];
    const api = new ApiClient(`${gateway.url}/api/v1`);
    const refused = await api.request('/events', {
      token,
      headers: { accept: 'text/event-stream' },
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.body).toMatchObject({ code: 'LIVE_UPDATES.TOO_MANY_STREAMS' });

    open[0].close();
    await eventually(() => gateway.gateway.liveUpdates.openStreams === 1, 'a place is free');
    const again = await openEventStream(events(), { authorization: `Bearer ${token}` });
    expect(again.status).toBe(200);
    again.close();
    open[1].close();
  });

  it('refuses the unidentified with 401 and the roleless with 403, before any stream', async () => {
    const api = new ApiClient(`${gateway.url}/api/v1`);
    const accept = { accept: 'text/event-stream' };
    const anonymous = await api.request('/events', { headers: accept });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    const roleless = await api.request('/events', {
      token: await issuer.token({ userId: 'nadia', roles: [] }),
      headers: accept,
    });
    expect(roleless.status).toBe(403);
    expect(changes.listeners.size).toBe(0);
  });

  it('answers 406 to a client that does not ask for an event stream', async () => {
    const reply = await new ApiClient(`${gateway.url}/api/v1`).request('/events', { token });
    expect(reply.status).toBe(406);
    expect(reply.body).toMatchObject({ code: 'API.NOT_ACCEPTABLE' });
    expect(changes.listeners.size).toBe(0);
  });

  it('answers 503 where there are no changes to follow', async () => {
    const without = await startBareGateway(issuer);
    try {
      const reply = await new ApiClient(`${without.url}/api/v1`).request('/events', {
        token,
        headers: { accept: 'text/event-stream' },
      });
      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({ code: 'LIVE_UPDATES.UNAVAILABLE' });
    } finally {
      await without.stop();
    }
  });

  it('is documented as an event stream of CambioDeExpediente', async () => {
    const document = (await new ApiClient(`${gateway.url}/api/v1`).request('/openapi.json')).body;
    const operation = document.paths['/events'].get;
    expect(operation['x-roles']).toEqual(['tramitador', 'validador', 'admin']);
    expect(operation.responses['200'].content['text/event-stream']).toMatchObject({
      schema: { type: 'string' },
      'x-events': { expediente: { $ref: '#/components/schemas/CambioDeExpediente' } },
    });
    expect(document.components.schemas.CambioDeExpediente.required).toEqual([
      'expedienteId',
      'version',
      'tipo',
    ]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['406', '503']));
  });
});

describe('A live-updates stream over time', () => {
  let changes: FakeChanges;
  let server: ReturnType<express.Express['listen']>;
  let live: LiveUpdates;
  let url: string;

  const serve = async (options: Partial<ConstructorParameters<typeof LiveUpdates>[1]>) => {
    changes = new FakeChanges();
    live = new LiveUpdates(changes, { maxStreams: 10, ...options });
    const app = express();
    // As in the gateway, where the browser session wraps every response's end.
    app.use(session({ secret: 'x'.repeat(32), resave: false, saveUninitialized: true }));
    app.get('/events', (_req, res) => live.open(res));
    server = app.listen(0, '127.0.0.1');
    await new Promise((done) => server.once('listening', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  };

  afterEach(async () => {
    server.closeAllConnections(); // whatever the test left open
    await stopServer(server)();
  });

  it('sends a comment heartbeat while nothing happens', async () => {
    await serve({ heartbeatMs: 50 });
    const stream = await openEventStream(url);
    expect(await stream.next()).toEqual({ retry: '3000' });
    expect(await stream.next(1_000)).toEqual({ comment: 'latido' });
    expect(await stream.next(1_000)).toEqual({ comment: 'latido' });
    stream.close();
  });

  it('ends a stream that has lived its time, and lets go of its listener', async () => {
    await serve({ maxAgeMs: 200 });
    const stream = await openEventStream(url);
    await stream.ended;
    expect(changes.listeners.size).toBe(0);
    expect(live.openStreams).toBe(0);
  });

  it('ends every stream on shutdown, so the server closes without waiting, and takes no new one', async () => {
    await serve({});
    const streams = [await openEventStream(url), await openEventStream(url)];
    await eventually(() => changes.listeners.size === 2, 'both streams listen');

    const started = Date.now();
    live.close();
    await stopServer(server)();
    await Promise.all(streams.map((stream) => stream.ended));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(changes.listeners.size).toBe(0);
    expect(() => live.open({ req: { get: () => 'text/event-stream' } } as never)).toThrow(
      expect.objectContaining({ problem: expect.objectContaining({ status: 503 }) }),
    );
  });
});

describe('Live updates of the embedded platform', () => {
  let platform: GatewayUnderTest;

  beforeAll(async () => {
    platform = await startGatewayUnderTest();
  });

  afterAll(() => platform?.stop());

  it('streams an expediente’s changes as they happen, with the version its detail reaches', async () => {
    const stream = await openEventStream(`${platform.embedded.url}/api/v1/events`, {
      authorization: `Bearer ${platform.tokens.validador}`,
    });
    expect(stream.status).toBe(200);
    const codigo = codigoNuevo('LIVE');
    const opened = await platform.api.request('/expedientes', {
      token: platform.tokens.tramitador,
      form: formOf({ codigo, opcionInicial: 'SEDE_ELECTRONICA', descripcion: 'En directo' }, [
        fileOf(pdf(), 'solicitud.pdf'),
      ]),
    });
    expect(opened.status).toBe(201);
    const id = opened.body.expedienteId;

    const seen: Array<{ version: number; tipo: string }> = [];
    while (!seen.some((cambio) => cambio.tipo === 'abierto')) {
      const cambio = await nextChange(stream, 15_000);
      if (cambio.expedienteId === id) seen.push({ version: cambio.version, tipo: cambio.tipo });
    }
    expect(seen.map((cambio) => cambio.tipo)).toEqual(['solicitado', 'abierto']);
    expect(seen.map((cambio) => cambio.version)).toEqual([0, 1]);
    const detail = await platform.api.request(`/expedientes/${id}`, {
      token: platform.tokens.validador,
    });
    expect(detail.body.version).toBeGreaterThanOrEqual(1);

    const edited = await platform.api.request(`/expedientes/${id}`, {
      method: 'PATCH',
      token: platform.tokens.tramitador,
      json: { descripcion: 'Editada en directo' },
      headers: { 'if-match': `"${detail.body.version}"` },
    });
    expect(edited.status).toBe(200);
    let cambio = await nextChange(stream, 15_000);
    while (cambio.expedienteId !== id) cambio = await nextChange(stream, 15_000);
    expect(cambio).toEqual({
      expedienteId: id,
      version: detail.body.version + 1,
      tipo: 'descripcion-editada',
    });
    stream.close();
  }, 60_000);
});

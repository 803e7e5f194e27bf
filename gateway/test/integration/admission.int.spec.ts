import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { silentLogger } from '@expedientes/shared-kernel';
import express from 'express';
import { problemMiddleware } from '../../src/api/error-middleware';
import { AdmissionQueue, admitWithin } from '../../src/security/admission';
import { ApiClient, fileOf, formOf } from '../support/api-client';

/**
 * Admission control over real HTTP: past its concurrency and queue, a request is answered 503
 * with Retry-After at once, and its body is read off so that the client hears that answer
 * (an upload refused mid-body is not a connection reset).
 */
describe('Admission control of the API', () => {
  let server: Server;
  let api: ApiClient;
  let handled = 0;
  const held: Array<() => void> = [];
  const changes = new AdmissionQueue({ concurrency: 1, queue: 1, maxWaitMs: 60_000 });
  const reads = new AdmissionQueue({ concurrency: 5, queue: 5, maxWaitMs: 60_000 });

  beforeAll(async () => {
    const app = express();
    app.use(admitWithin({ reads, changes }, (path) => path === '/events'));
    // Each change is held until the test lets it finish.
    app.post('/work', (_req, res) => {
      handled++;
      held.push(() => res.status(201).json({ ok: true }));
    });
    app.get(['/work', '/events'], (_req, res) => res.json({ read: true }));
    app.use(problemMiddleware(silentLogger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((done) => server.once('listening', done));
    api = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(() => new Promise((done) => server.close(done)));

  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('answers 503 with Retry-After at once past the queue, and serves what it admitted', async () => {
    const first = api.request('/work', { json: { n: 1 } });
    await until(() => held.length === 1);
    const second = api.request('/work', { json: { n: 2 } });
    await until(() => changes.queued === 1);

    const upload = await api.request('/work', {
      form: formOf({ n: '3' }, [fileOf(Buffer.alloc(2 * 1024 * 1024, 7), 'big.pdf')]),
    });
    expect(upload.status).toBe(503);
    expect(upload.headers.get('retry-after')).toBe('60');
    expect(upload.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(upload.body).toMatchObject({ status: 503, code: 'API.OVERLOADED' });

    // Reads take their turns apart from the changes, and the live stream takes none.
    expect((await api.request('/work')).status).toBe(200);
    expect((await api.request('/events')).status).toBe(200);
    expect(handled).toBe(1);

    held.shift()!();
    expect((await first).status).toBe(201);
    await until(() => held.length === 1);
    held.shift()!();
    expect((await second).status).toBe(201);
    expect(handled).toBe(2);
    expect([changes.inFlight, changes.queued]).toEqual([0, 0]);
  });

  it('gives the turn back when a client goes away while its request is at work', async () => {
    const gone = new AbortController();
    const abandoned = fetch(`${api.baseUrl}/work`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
      signal: gone.signal,
    }).catch((error: unknown) => error);
    await until(() => held.length === 1);
    gone.abort();
    await abandoned;
    await until(() => changes.inFlight === 0);
    held.shift()!(); // its answer goes nowhere
    const next = api.request('/work', { json: {} });
    await until(() => held.length === 1);
    held.shift()!();
    expect((await next).status).toBe(201);
  });
});

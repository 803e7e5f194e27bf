import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import express from 'express';
import { z } from 'zod';
import { DomainError, silentLogger } from '../../src';
import {
  actorOf,
  createServiceHttpApp,
  handle,
  JwtIdentityVerifier,
  ServiceMetrics,
} from '../../src/adapters/runtime';
import { TestTokenIssuer } from '../../src/testing';

describe('createServiceHttpApp', () => {
  let issuer: TestTokenIssuer;
  let server: Server;
  let base: string;
  let storeUp = true;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.create();
    const api = express.Router();
    api.get('/whoami', (_req, res) => {
      res.json(actorOf(res));
    });
    api.post(
      '/things',
      handle(async (req, res) => {
        const body = z.object({ name: z.string().min(3) }).parse(req.body);
        if (body.name === 'taken')
          throw new DomainError('THING.TAKEN', 'conflict', 'that name is taken');
        res.status(201).json(body);
      }),
    );
    api.get('/boom', () => {
      throw new Error('secret internals');
    });
    const app = createServiceHttpApp({
      service: 'test',
      logger: silentLogger,
      metrics: new ServiceMetrics('test'),
      readiness: [
        {
          name: 'store',
          check: async () => {
            if (!storeUp) throw new Error('store down');
          },
        },
      ],
      identity: new JwtIdentityVerifier({
        issuer: issuer.issuer,
        audience: issuer.audience,
        keys: issuer.jwks,
      }),
      api,
      jsonLimit: '1kb',
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    const response = await fetch(`${base}${path}`, { ...init, headers });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    };
  };
  const tramitador = () => issuer.token({ userId: 'ana', roles: ['tramitador'] });

  it('sends the security headers of an API with every answer, errors included', async () => {
    for (const path of ['/health/live', '/nope', '/boom']) {
      const { headers } = await call(path, { token: await tramitador() });
      expect({
        path,
        csp: headers.get('content-security-policy'),
        nosniff: headers.get('x-content-type-options'),
        frame: headers.get('x-frame-options'),
        referrer: headers.get('referrer-policy'),
      }).toEqual({
        path,
        csp: expect.stringContaining("default-src 'none'"),
        nosniff: 'nosniff',
        frame: 'DENY',
        referrer: 'no-referrer',
      });
    }
  });

  it('answers liveness, and readiness from its checks', async () => {
    expect((await call('/health/live')).status).toBe(200);
    expect(await call('/health/ready')).toMatchObject({ status: 200, body: { status: 'up' } });
    storeUp = false;
    const down = await call('/health/ready');
    storeUp = true;
    expect(down).toMatchObject({
      status: 503,
      body: {
        checks: [{ name: 'store', status: 'down', error: expect.stringContaining('store down') }],
      },
    });
  });

  it('serves Prometheus metrics, counting requests by route', async () => {
    await call('/whoami', { token: await tramitador() });
    const response = await fetch(`${base}/metrics`);
    const text = await response.text();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/whoami"[^}]*status="200"/,
    );
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('hands the handler the verified actor and echoes the correlation id', async () => {
    const response = await call('/whoami', {
      token: await tramitador(),
      headers: { 'x-correlation-id': 'corr-1' },
    });
    expect(response.body).toEqual({ userId: 'ana', roles: ['tramitador'] });
    expect(response.headers.get('x-correlation-id')).toBe('corr-1');
  });

  it.each([
    ['no token', async () => undefined],
    [
      'a wrong issuer',
      async () => issuer.token({ userId: 'ana', roles: [], issuer: 'https://evil.test' }),
    ],
    ['a wrong audience', async () => issuer.token({ userId: 'ana', roles: [], audience: 'other' })],
    ['an expired token', async () => issuer.token({ userId: 'ana', roles: [], expiresIn: -60 })],
    [
      'a token of another key',
      async () => (await TestTokenIssuer.create()).token({ userId: 'ana', roles: [] }),
    ],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses %s with 401 problem+json', async (_case, token) => {
    const response = await call('/whoami', { token: await token() });
    expect(response.status).toBe(401);
    expect(response.type).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 401, code: 'AUTH.UNAUTHENTICATED' });
  });

  it('maps invalid input, domain errors and malformed bodies to their problems', async () => {
    const token = await tramitador();
    const post = (body: string) =>
      call('/things', {
        method: 'POST',
        token,
        body,
        headers: { 'content-type': 'application/json' },
      });
    expect(await post('{"name":"ok"}')).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', errors: [{ field: 'name' }] },
    });
    expect(await post('{"name":"taken"}')).toMatchObject({
      status: 409,
      body: { code: 'THING.TAKEN' },
    });
    expect((await post('{"name":')).status).toBe(400);
    expect((await post(JSON.stringify({ name: 'x'.repeat(2000) }))).status).toBe(413);
    expect((await post('{"name":"fine"}')).status).toBe(201);
  });

  it('answers 404 for an unknown route and hides the inside of a 500', async () => {
    const token = await tramitador();
    expect((await call('/nothing-here', { token })).status).toBe(404);
    const boom = await call('/boom', { token });
    expect(boom.status).toBe(500);
    expect(JSON.stringify(boom.body)).not.toContain('secret internals');
  });
});

import { AddressInfo } from 'node:net';
import { silentLogger } from '@expedientes/shared-kernel';
import {
  ServiceMetrics,
  startOperationsServer,
  stopServer,
} from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { GatewayOptions } from '../../src/gateway-app';
import { ApiClient } from '../support/api-client';
import { startBareGateway } from '../support/bare-gateway';

/** Security headers, CORS closed unless configured, and what health and metrics tell whom. */
describe('The gateway’s HTTP surface', () => {
  let issuer: TestTokenIssuer;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    issuer = await TestTokenIssuer.create();
  });

  afterAll(async () => {
    for (const close of closers) await close();
  });

  async function gateway(options: Partial<GatewayOptions> = {}): Promise<ApiClient> {
    const bare = await startBareGateway(issuer, options);
    closers.push(() => bare.stop());
    return new ApiClient(bare.url);
  }

  it('sends security headers and no X-Powered-By', async () => {
    const reply = await (await gateway()).request('/api/v1/openapi.json');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(reply.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(reply.headers.get('x-powered-by')).toBeNull();
  });

  it('keeps CORS closed when no origin is configured', async () => {
    const client = await gateway();
    const preflight = await client.request('/api/v1/expedientes', {
      method: 'OPTIONS',
      headers: { origin: 'https://otro.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await client.request('/api/v1/openapi.json', {
      headers: { origin: 'https://otro.example' },
    });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('opens CORS to the configured origins only', async () => {
    const client = await gateway({ corsOrigins: ['https://sede.example'] });
    const allowed = await client.request('/api/v1/expedientes', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://sede.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://sede.example');
    const simple = await client.request('/api/v1/openapi.json', {
      headers: { origin: 'https://sede.example' },
    });
    expect(simple.headers.get('access-control-expose-headers')).toMatch(/x-correlation-id/);
    const other = await client.request('/api/v1/openapi.json', {
      headers: { origin: 'https://otro.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('tells the public only up or down, and the operators’ port each check and the metrics', async () => {
    const metrics = new ServiceMetrics('gateway-ops');
    const readiness = [
      {
        name: 'almacen',
        check: async () => {
          throw new Error('sin disco');
        },
      },
    ];
    const client = await gateway({ readiness, metrics });
    expect((await client.request('/health/live')).body).toEqual({
      status: 'up',
      service: 'gateway',
    });
    const ready = await client.request('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'down' });
    await client.request('/api/v1/openapi.json');
    expect((await client.request('/metrics')).status).toBe(404);

    const operations = await startOperationsServer({
      service: 'gateway',
      readiness,
      metrics,
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
    });
    closers.push(stopServer(operations));
    const ops = new ApiClient(`http://127.0.0.1:${(operations.address() as AddressInfo).port}`);
    const detailed = await ops.request('/health/ready');
    expect(detailed.status).toBe(503);
    expect(detailed.body.checks).toEqual([
      { name: 'almacen', status: 'down', error: 'Error: sin disco' },
    ]);
    const scraped = await ops.request('/metrics');
    expect(scraped.status).toBe(200);
    expect(scraped.body).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/openapi.json"/,
    );
  });
});

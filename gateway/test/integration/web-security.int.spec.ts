import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { GatewayOptions } from '../../src/gateway-app';
import { ApiClient } from '../support/api-client';
import { startBareGateway } from '../support/bare-gateway';

/** Security headers, CORS closed unless configured, and the open health and metrics routes. */
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

  it('answers liveness, readiness (with the reason of a failed check) and metrics in the open', async () => {
    const client = await gateway({
      readiness: [
        {
          name: 'almacen',
          check: async () => {
            throw new Error('sin disco');
          },
        },
      ],
    });
    expect((await client.request('/health/live')).body).toEqual({
      status: 'up',
      service: 'gateway',
    });
    const ready = await client.request('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual([
      { name: 'almacen', status: 'down', error: 'Error: sin disco' },
    ]);
    await client.request('/api/v1/openapi.json');
    const metrics = await client.request('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/openapi.json"/,
    );
  });
});

import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { RouteDefinition } from '../../src/api/route';
import {
  GatewayUnderTest,
  personas,
  startGatewayUnderTest,
  testSettings,
} from '../support/gateway-under-test';
import { describeRoute, pathOf } from '../support/routes';

/**
 * Who may call what: every route of the API (from its registry) refuses a missing or bad
 * token with 401 and a caller without the role with 403, before it looks at anything else.
 */
describe('Authentication and authorization of the API', () => {
  let gateway: GatewayUnderTest;
  let routes: readonly RouteDefinition[];
  let badTokens: Record<string, string>;

  beforeAll(async () => {
    gateway = await startGatewayUnderTest();
    routes = gateway.embedded.gateway.routes;
    const { issuer } = gateway;
    const { userId, roles } = personas.admin;
    const impostor = await TestTokenIssuer.create(issuer.issuer, issuer.audience);
    badTokens = {
      'a wrong signature': await impostor.token({ userId, roles }),
      'a wrong issuer': await issuer.token({ userId, roles, issuer: 'https://otro-emisor.test' }),
      'a wrong audience': await issuer.token({ userId, roles, audience: 'otra-api' }),
      'an expired token': await issuer.token({ userId, roles, expiresIn: -60 }),
      'a token that is no JWT': 'esto-no-es-un-token',
    };
  });

  afterAll(() => gateway?.stop());

  const protectedRoutes = () => routes.filter((route) => route.roles !== 'public');

  const call = (route: RouteDefinition, headers: Record<string, string> = {}) =>
    gateway.api.request(pathOf(route), { method: route.method.toUpperCase(), headers });

  it('declares the routes it is about to check', () => {
    expect(protectedRoutes().length).toBeGreaterThanOrEqual(11);
  });

  it('refuses every protected route without a token: 401 with a Bearer challenge', async () => {
    for (const route of protectedRoutes()) {
      const reply = await call(route);
      expect({ route: describeRoute(route), status: reply.status }).toEqual({
        route: describeRoute(route),
        status: 401,
      });
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="expedientes"/);
      expect(reply.body).toMatchObject({
        status: 401,
        title: 'Unauthorized',
        code: 'AUTH.UNAUTHENTICATED',
      });
      expect(reply.body.detail).toEqual(expect.any(String));
    }
  });

  it.each([
    'a wrong signature',
    'a wrong issuer',
    'a wrong audience',
    'an expired token',
    'a token that is no JWT',
  ])('refuses %s with 401 on every protected route, saying why', async (kind) => {
    for (const route of protectedRoutes()) {
      const reply = await call(route, { authorization: `Bearer ${badTokens[kind]}` });
      expect({ route: describeRoute(route), status: reply.status }).toEqual({
        route: describeRoute(route),
        status: 401,
      });
      expect(reply.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      expect(reply.body).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
      expect(reply.body.detail).toMatch(/^El token no es válido/);
    }
  });

  it('refuses a credential of another scheme with 401', async () => {
    const reply = await gateway.api.request('/expedientes', {
      headers: { authorization: 'Basic YWxiYTpzZWNyZXRv' },
    });
    expect(reply.status).toBe(401);
  });

  it('refuses every protected route to a caller with no role: 403, not 401', async () => {
    for (const route of protectedRoutes()) {
      const reply = await call(route, { authorization: `Bearer ${gateway.tokens.sinRol}` });
      expect({ route: describeRoute(route), status: reply.status }).toEqual({
        route: describeRoute(route),
        status: 403,
      });
      expect(reply.body).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
      expect(reply.body.detail).toMatch(/Hace falta el rol/);
    }
  });

  it('refuses the routes that change an expediente to a validador: 403', async () => {
    const changing = protectedRoutes().filter(
      (route) => route.roles !== 'public' && !route.roles.includes('validador'),
    );
    expect(changing.map(describeRoute).sort()).toEqual([
      'PATCH /expedientes/{id}',
      'POST /expedientes',
      'POST /expedientes/{id}/documents',
      'POST /expedientes/{id}/documents/{documentId}/versions',
    ]);
    for (const route of changing) {
      const reply = await call(route, { authorization: `Bearer ${gateway.tokens.validador}` });
      expect({ route: describeRoute(route), status: reply.status }).toEqual({
        route: describeRoute(route),
        status: 403,
      });
    }
  });

  it('tells a bearer caller who they are, with their roles and no CSRF token', async () => {
    const reply = await gateway.api.request('/me', { token: gateway.tokens.validador });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toEqual({
      username: 'victor.validador',
      name: null,
      roles: ['validador'],
      limites: { tamanoMaximoDeArchivo: testSettings.limits.maxFileBytes },
    });
  });

  it('serves the public routes to anybody, a bad token notwithstanding', async () => {
    const open = routes.filter((route) => route.roles === 'public');
    expect(open.map(describeRoute)).toEqual(['GET /openapi.json']);
    const headers: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${badTokens['an expired token']}` },
    ];
    for (const each of headers) {
      expect((await call(open[0], each)).status).toBe(200);
    }
  });
});

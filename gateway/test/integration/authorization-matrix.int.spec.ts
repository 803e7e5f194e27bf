import { randomUUID } from 'node:crypto';
import { RouteDefinition } from '../../src/api/route';
import { eventually } from '../e2e/support/processes';
import { fileOf, formOf } from '../support/api-client';
import { answersAsOwed, Caller, CALLERS, owedTo } from '../support/callers';
import {
  codigoNuevo,
  GatewayUnderTest,
  pdf,
  startGatewayUnderTest,
} from '../support/gateway-under-test';

/** The status the gateway owes `caller` on `route` before it looks at anything else. */
const owed = (route: RouteDefinition, caller: Caller): 'served' | 401 | 403 =>
  route.roles === 'public' ? 'served' : owedTo(caller, route.roles);

/**
 * Every route the public API declares, for every role and for no token at all, generated from
 * the declarations themselves: a route added later is in the matrix without anyone writing a
 * line here. Each call carries a body that is empty or wrong, so nothing changes: a caller the
 * route refuses gets 401 or 403, one it admits gets anything but those (400, 404, 200...).
 */
describe('Authorization matrix of /api/v1, from the route declarations', () => {
  let gateway: GatewayUnderTest;
  const params: Record<string, string> = {};

  beforeAll(async () => {
    gateway = await startGatewayUnderTest();
    const opened = await gateway.api.request('/expedientes', {
      token: gateway.tokens.tramitador,
      form: formOf(
        { codigo: codigoNuevo('MAT'), opcionInicial: 'SEDE_ELECTRONICA', descripcion: 'Matriz' },
        [fileOf(pdf(), 'solicitud.pdf')],
      ),
    });
    expect(opened.status).toBe(201);
    params.id = opened.body.expedienteId;
    params.documentId = await eventually(async () => {
      const detail = await gateway.api.request(`/expedientes/${params.id}`, {
        token: gateway.tokens.admin,
      });
      return detail.body?.documentos?.[0]?.documentId as string | undefined;
    }, 'the document of the expediente');
    params.sagaId = randomUUID();
  });

  afterAll(() => gateway?.stop());

  /** The status of one call; a streamed answer (the live updates) is cut after its headers. */
  async function statusOf(route: RouteDefinition, caller: Caller): Promise<number> {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'x');
    const headers: Record<string, string> = {};
    if (caller !== 'anonymous') headers.authorization = `Bearer ${gateway.tokens[caller]}`;
    let body: RequestInit['body'];
    if (route.body?.kind === 'multipart') body = new FormData();
    else if (route.method !== 'get') {
      headers['content-type'] = 'application/json';
      body = '{}';
    }
    const controller = new AbortController();
    const response = await fetch(`${gateway.api.baseUrl}${path}`, {
      method: route.method.toUpperCase(),
      headers,
      body,
      signal: controller.signal,
    });
    controller.abort();
    return response.status;
  }

  it('declares routes of every kind: open, any staff, tramitación', () => {
    const routes = gateway.embedded.gateway.routes;
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes.some((route) => route.roles === 'public')).toBe(true);
    expect(
      routes.some((route) => route.roles !== 'public' && !route.roles.includes('validador')),
    ).toBe(true);
  });

  it('admits exactly the roles each route declares, and refuses everyone else', async () => {
    const wrong: string[] = [];
    for (const route of gateway.embedded.gateway.routes) {
      for (const caller of CALLERS) {
        const status = await statusOf(route, caller);
        const expected = owed(route, caller);
        if (!answersAsOwed(status, expected)) {
          wrong.push(
            `${route.method.toUpperCase()} ${route.path} as ${caller}: ${status}, owed ${expected}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

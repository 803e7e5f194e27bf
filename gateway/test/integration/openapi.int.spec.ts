import express from 'express';
import { ApiClient } from '../support/api-client';
import { GatewayUnderTest, startGatewayUnderTest } from '../support/gateway-under-test';
import { pathOf } from '../support/routes';

type Layer = {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
};

/** Every `METHOD /path` an Express app serves under `base`, read from its router itself. */
function servedRoutes(app: express.Express, base: string): string[] {
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const routers = stack.filter((layer) => layer.rawPath === base && layer.handle.stack);
  return routers.flatMap((router) =>
    (router.handle.stack ?? [])
      .filter((layer) => layer.route)
      .flatMap((layer) =>
        Object.keys(layer.route!.methods)
          .filter((method) => method !== '_all') // the 405 answers of known paths
          .map(
            (method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`,
          ),
      ),
  );
}

const documentedRoutes = (document: any): string[] =>
  Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );

/** The OpenAPI document is generated from the routes' own schemas: it and the API cannot drift. */
describe('The OpenAPI document and the interactive docs', () => {
  let gateway: GatewayUnderTest;
  let document: any;

  beforeAll(async () => {
    gateway = await startGatewayUnderTest();
    document = (await gateway.api.request('/openapi.json')).body;
  });

  afterAll(() => gateway?.stop());

  it('is an OpenAPI 3.1 document of the API at /api/v1, secured by bearer JWTs or the browser session', () => {
    expect(document).toMatchObject({
      openapi: '3.1.0',
      info: { title: 'Expedientes API' },
      servers: [{ url: '/api/v1' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          session: { type: 'apiKey', in: 'cookie', name: 'expedientes.sid' },
        },
      },
    });
    const operationIds = documentedRoutes(document).map((route) => {
      const [method, path] = route.split(' ');
      return document.paths[path][method.toLowerCase()].operationId;
    });
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('documents every route the server serves, and serves nothing it does not document', () => {
    const served = servedRoutes(gateway.embedded.gateway.app, '/api/v1');
    expect(served.length).toBeGreaterThanOrEqual(12);
    expect(new Set(served).size).toBe(served.length);
    expect([...served].sort()).toEqual(documentedRoutes(document).sort());
  });

  it('serves every route it documents (no 404 for the address, no 405 for the method)', async () => {
    for (const route of documentedRoutes(document)) {
      const [method, path] = route.split(' ');
      const reply = await gateway.api.request(pathOf({ path }), {
        method,
        token: gateway.tokens.admin,
      });
      expect({ route, status: reply.status, code: reply.body?.code }).not.toMatchObject({
        code: 'API.NOT_FOUND',
      });
      expect({ route, status: reply.status }).not.toEqual({ route, status: 405 });
    }
  });

  it('describes each operation: roles, parameters, bodies, answers and problems', () => {
    const open = document.paths['/expedientes'].post;
    expect(open['x-roles']).toEqual(['tramitador', 'admin']);
    expect(open.security).toEqual([{ bearer: [] }, { session: [] }]);
    const form = open.requestBody.content['multipart/form-data'].schema;
    expect(form.required).toEqual(['codigo', 'opcionInicial', 'files']);
    expect(form.properties.files).toMatchObject({
      type: 'array',
      minItems: 1,
      items: { format: 'binary' },
    });
    expect(Object.keys(open.responses).sort()).toEqual(
      [
        '201',
        '202',
        '400',
        '401',
        '403',
        '409',
        '413',
        '415',
        '422',
        '429',
        '502',
        '503',
        '504',
      ].sort(),
    );
    expect(open.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ExpedienteAbierto',
    });
    const list = document.paths['/expedientes'].get;
    expect(list.parameters.map((parameter: any) => parameter.name)).toEqual([
      'fase',
      'estado',
      'opcionInicial',
      'codigo',
      'desde',
      'hasta',
      'q',
      'asignadoA',
      'sinAsignar',
      'mencionado',
      'sort',
      'order',
      'page',
      'pageSize',
    ]);
    expect(
      list.parameters.find((parameter: any) => parameter.name === 'pageSize').schema,
    ).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 100,
    });
    const edit = document.paths['/expedientes/{id}'].patch;
    expect(
      edit.parameters.map((parameter: any) => [parameter.name, parameter.in, parameter.required]),
    ).toEqual([
      ['id', 'path', true],
      ['if-match', 'header', false],
      ['Idempotency-Key', 'header', false],
    ]);
    // Every change takes an Idempotency-Key, and may meet its refusals; reads take none.
    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const names = (operation.parameters ?? []).map((parameter: any) => parameter.name);
        const changes = method !== 'get' && operation.security.length > 0;
        expect({ path, method, keyed: names.includes('Idempotency-Key') }).toEqual({
          path,
          method,
          keyed: changes,
        });
        if (changes) expect(operation.responses).toHaveProperty('409');
      }
    }
    expect(document.paths['/openapi.json'].get.security).toEqual([]);
    expect(document.components.responses.Problem429.headers['Retry-After']).toBeDefined();
    expect(document.components.responses.Problem503.headers['Retry-After']).toBeDefined();
  });

  it('links answers to the operations they lead to, by operations that exist', () => {
    const operationIds = new Set(
      Object.values(document.paths).flatMap((item: any) =>
        Object.values(item).map((operation: any) => operation.operationId),
      ),
    );
    const links = Object.values(document.paths).flatMap((item: any) =>
      Object.values(item).flatMap((operation: any) =>
        Object.values(operation.responses).flatMap((response: any) =>
          Object.values(response.links ?? {}),
        ),
      ),
    ) as Array<{ operationId: string; parameters: Record<string, string> }>;
    expect(links.length).toBeGreaterThanOrEqual(8);
    for (const link of links) {
      expect(operationIds.has(link.operationId)).toBe(true);
      for (const expression of Object.values(link.parameters)) {
        expect(expression).toMatch(/^\$response\.(body#\/|header\.)/);
      }
    }
    expect(document.paths['/expedientes'].post.responses['201'].links.VerExpediente).toEqual({
      operationId: 'verExpediente',
      parameters: { id: '$response.body#/expedienteId' },
    });
  });

  it('has every reference it makes resolve within itself', () => {
    const references = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(references.length).toBeGreaterThan(20);
    for (const reference of new Set(references)) {
      const pointer = reference.slice(8, -1);
      expect(pointer).toMatch(/^#\/components\/(schemas|responses)\//);
      const [, , section, name] = pointer.split('/');
      expect({ pointer, found: document.components[section][name] !== undefined }).toEqual({
        pointer,
        found: true,
      });
    }
  });

  describe('the interactive docs at /api/docs', () => {
    const site = () => new ApiClient(gateway.embedded.url);

    it('send /api/docs to /api/docs/, where Swagger UI is served from this server', async () => {
      const bare = await site().request('/api/docs');
      expect(bare.status).toBe(301);
      expect(bare.headers.get('location')).toBe('/api/docs/');
      const page = await site().request('/api/docs/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.body).toContain('swagger-ui');
      // No CDN: every script and stylesheet is one of ours.
      expect(page.body).not.toMatch(/(src|href)="https?:/);
      for (const asset of [
        'swagger-ui-bundle.js',
        'swagger-ui-standalone-preset.js',
        'swagger-ui.css',
      ]) {
        expect((await site().request(`/api/docs/${asset}`)).status).toBe(200);
      }
    });

    it('point Swagger UI at this document, with no outside validator', async () => {
      const script = await site().request('/api/docs/swagger-initializer.js');
      expect(script.status).toBe(200);
      expect(script.body).toContain('url: "../v1/openapi.json"');
      expect(script.body).toContain('validatorUrl: null');
      expect(script.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    });
  });
});

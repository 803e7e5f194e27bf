import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { RouteDefinition } from '../../src/api/route';
import { eventually } from '../e2e/support/processes';
import { fileOf, formOf } from '../support/api-client';
import { answersAsOwed, Caller, CALLERS, owedTo } from '../support/callers';
import { DeclaredRoute, declaredRoutes } from '@expedientes/shared-kernel/testing';
import {
  codigoNuevo,
  GatewayUnderTest,
  Persona,
  personas,
  pdf,
  startGatewayUnderTest,
} from '../support/gateway-under-test';

const ADMINS = ['admin'] as const;
const STAFF = ['tramitador', 'validador', 'admin'] as const;

const describeService = (route: DeclaredRoute): string => `${route.method} ${route.path}`;

/**
 * Who may call each route of the services' own APIs: the roles of the public operation it
 * serves (by operationId), or roles of its own where nothing public stands for it. A service
 * route missing here fails the test: a route added later cannot escape the matrix.
 */
const SERVICE_ROUTES: Readonly<Record<string, string | readonly string[]>> = {
  'POST /expedientes/expedientes': 'abrirExpediente',
  'GET /expedientes/expedientes': 'listarExpedientes',
  'GET /expedientes/expedientes/:id': 'verExpediente',
  'PATCH /expedientes/expedientes/:id': 'editarExpediente',
  'POST /expedientes/expedientes/:id/transitions': 'cambiarDeFase',
  'POST /expedientes/expedientes/:id/documents': 'anadirDocumento',
  'POST /expedientes/expedientes/:id/comments': 'comentarExpediente',
  'PUT /expedientes/expedientes/:id/assignee': 'asignarExpediente',
  'GET /expedientes/expedientes/:id/history': 'verHistorial',
  'GET /expedientes/sagas/:id': 'verOperacion',
  'POST /expedientes/admin/rebuild-read-models': ADMINS,
  'POST /documents/documents': 'anadirDocumento',
  'POST /documents/documents/:id/versions': 'subirVersion',
  'GET /documents/documents/:id': 'verDocumento',
  'GET /documents/documents/:id/content': 'descargarDocumento',
  'GET /bpm/procesos/:expedienteId': 'verTransiciones',
  'GET /bpm/fases-con-tareas': 'misTareas',
  'GET /bpm/procedimientos': STAFF,
  'GET /bpm/procedimientos/:codigo': STAFF,
  'GET /search/search': 'buscarExpedientes',
  'POST /search/admin/rebuild': ADMINS,
};

/** A change of a finished expediente, as each route takes it: it must be refused (422). */
interface Change {
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
  readonly bytes?: Buffer;
  readonly form?: FormData;
}

/**
 * The route declarations of the services and of the public API, every role and no token, and
 * an expediente open, one finished and one whose creation was rejected: no route of a service
 * does what the public API would refuse, and no route of either changes a closed expediente.
 */
describe('Authorization matrix of the services’ own APIs, and of finished expedientes', () => {
  let gateway: GatewayUnderTest;
  let services: Server;
  let servicesUrl = '';
  let publicRoles: Map<string, readonly string[]>;
  /** What fills the routes' parameters: an open expediente's, then a finished one's. */
  const abierto: Record<string, string> = {};
  const finalizado: Record<string, string> = {};
  let finalizadoVersion = 0;

  const tokenOf = (caller: Caller): string | undefined =>
    caller === 'anonymous' ? undefined : gateway.tokens[caller];

  const detail = (id: string, until: (body: any) => boolean) =>
    eventually(async () => {
      const reply = await gateway.api.request(`/expedientes/${id}`, {
        token: gateway.tokens.admin,
      });
      return reply.status === 200 && until(reply.body) ? reply.body : undefined;
    }, `expediente ${id}`);

  const open = async (): Promise<Record<string, string>> => {
    const opened = await gateway.api.request('/expedientes', {
      token: gateway.tokens.tramitador,
      form: formOf(
        { codigo: codigoNuevo('SVC'), opcionInicial: 'SEDE_ELECTRONICA', descripcion: 'Matriz' },
        [fileOf(pdf(), 'solicitud.pdf')],
      ),
    });
    expect(opened.status).toBe(201);
    const id = opened.body.expedienteId as string;
    const body = await detail(id, (each) => each.documentos?.length === 1);
    return { id, expedienteId: id, documentId: body.documentos[0].documentId };
  };

  beforeAll(async () => {
    gateway = await startGatewayUnderTest();
    publicRoles = new Map(
      gateway.embedded.gateway.routes.map((route) => [
        route.operationId,
        route.roles === 'public' ? [] : route.roles,
      ]),
    );
    services = createServer(gateway.embedded.internalApi);
    await new Promise<void>((done) => services.listen(0, '127.0.0.1', done));
    servicesUrl = `http://127.0.0.1:${(services.address() as AddressInfo).port}`;

    Object.assign(abierto, await open(), { codigo: 'estandar' });
    Object.assign(finalizado, await open(), { codigo: 'estandar' });
    const steps: Array<[Persona, string]> = [
      ['tramitador', 'ANALISIS_TECNICO'],
      ['admin', 'VALIDACION'],
      ['validador', 'FINALIZADO'],
    ];
    for (const [persona, hacia] of steps) {
      const moved = await gateway.api.request(`/expedientes/${finalizado.id}/transitions`, {
        token: gateway.tokens[persona],
        json: { hacia },
      });
      expect(moved.status).toBe(200);
    }
    finalizadoVersion = (await detail(finalizado.id, (each) => each.estado === 'finalizado'))
      .version;
    const saga = await gateway.api.request(`/expedientes/${abierto.id}/transitions`, {
      token: gateway.tokens.validador,
      json: { hacia: 'ANALISIS_TECNICO' },
    });
    abierto.sagaId = saga.body.details.sagaId;
  });

  afterAll(async () => {
    await new Promise((done) => services?.close(done));
    await gateway?.stop();
  });

  const rolesOf = (route: DeclaredRoute): readonly string[] => {
    const rule = SERVICE_ROUTES[describeService(route)];
    if (typeof rule !== 'string') return rule;
    const roles = publicRoles.get(rule);
    if (!roles) throw new Error(`${describeService(route)}: no public operation ${rule}`);
    return roles;
  };

  const serviceCall = async (
    route: DeclaredRoute,
    caller: Caller,
    params: Record<string, string>,
    change: Change = {},
  ): Promise<Response> => {
    const own: Record<string, string> = route.path.startsWith('/documents/')
      ? { id: params.documentId }
      : route.path.startsWith('/expedientes/sagas/')
        ? { id: params.sagaId }
        : {};
    const path = route.path.replace(
      /:(\w+)/g,
      (_, name: string) => own[name] ?? params[name] ?? 'x',
    );
    const token = tokenOf(caller);
    const headers: Record<string, string> = { ...change.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: RequestInit['body'];
    if (change.bytes) body = change.bytes;
    else if (route.method !== 'GET') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(change.json ?? {});
    }
    return fetch(`${servicesUrl}${path}`, { method: route.method, headers, body });
  };

  it('finds every route of the four services, and has a rule for each', () => {
    const routes = declaredRoutes(gateway.embedded.internalApi).map(describeService);
    expect(routes.length).toBeGreaterThanOrEqual(18);
    expect([...routes].sort()).toEqual(Object.keys(SERVICE_ROUTES).sort());
  });

  it('admits to each service route exactly the roles the public API admits, on an open expediente', async () => {
    const wrong: string[] = [];
    for (const route of declaredRoutes(gateway.embedded.internalApi)) {
      const allowed = rolesOf(route);
      for (const caller of CALLERS) {
        const reply = await serviceCall(route, caller, abierto);
        await reply.arrayBuffer();
        const owed = owedTo(caller, allowed);
        if (!answersAsOwed(reply.status, owed))
          wrong.push(`${describeService(route)} as ${caller}: ${reply.status}, owed ${owed}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  /**
   * The expedientes nothing may change any more, each with the ids that fill its routes: one
   * finished, and one whose creation was rejected (it has no document of its own, so the
   * routes on its documents do not apply to it).
   */
  interface Cerrado {
    readonly estado: string;
    readonly ids: Record<string, string>;
    readonly version: number;
    readonly descripcion: string;
  }
  const cerrados: Cerrado[] = [];
  /** A document staged by nobody's expediente: what an attach would take. */
  let staged = '';

  beforeAll(async () => {
    cerrados.push({
      estado: 'finalizado',
      ids: finalizado,
      version: finalizadoVersion,
      descripcion: 'Matriz',
    });
    // documents refuses a document that belongs to another expediente: the creation is
    // rejected, and the expediente stays, in creacion_rechazada.
    const refused = await fetch(`${servicesUrl}/expedientes/expedientes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gateway.tokens.tramitador}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        codigo: codigoNuevo('RECH'),
        opcionInicial: 'SEDE_ELECTRONICA',
        descripcion: 'Rechazada',
        documentIds: [abierto.documentId],
      }),
    });
    expect(refused.status).toBe(422);
    const id = ((await refused.json()) as { details: { expedienteId: string } }).details
      .expedienteId;
    const rechazado = await detail(id, (each) => each.estado === 'creacion_rechazada');
    cerrados.push({
      estado: 'creacion_rechazada',
      ids: { id, expedienteId: id },
      version: rechazado.version,
      descripcion: 'Rechazada',
    });
    const upload = await fetch(`${servicesUrl}/documents/documents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gateway.tokens.tramitador}`,
        'content-type': 'application/octet-stream',
        'x-file-name': 'suelto.pdf',
      },
      body: pdf(),
    });
    expect(upload.status).toBe(201);
    staged = ((await upload.json()) as { documentId: string }).documentId;
  });

  /** A valid change of a closed expediente for each service route that changes one. */
  const serviceChanges: Readonly<Record<string, (cerrado: Cerrado) => Change>> = {
    'PATCH /expedientes/expedientes/:id': ({ version }) => ({
      json: { descripcion: 'Cambiada tras el final', expectedVersion: version },
    }),
    'POST /expedientes/expedientes/:id/transitions': () => ({ json: { hacia: 'VALIDACION' } }),
    'POST /expedientes/expedientes/:id/documents': () => ({ json: { documentId: staged } }),
    'POST /expedientes/expedientes/:id/comments': () => ({ json: { texto: 'Tarde' } }),
    'PUT /expedientes/expedientes/:id/assignee': () => ({ json: { asignadoA: 'ana.tramitadora' } }),
    'POST /documents/documents/:id/versions': () => ({
      bytes: pdf(),
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'tarde.pdf' },
    }),
  };

  const publicChanges: Readonly<Record<string, (cerrado: Cerrado) => Change>> = {
    editarExpediente: ({ version }) => ({
      json: { descripcion: 'Cambiada tras el final' },
      headers: { 'if-match': `"${version}"` },
    }),
    cambiarDeFase: () => ({ json: { hacia: 'VALIDACION' } }),
    comentarExpediente: () => ({ json: { texto: 'Tarde' } }),
    asignarExpediente: () => ({ json: { asignadoA: 'ana.tramitadora' } }),
    anadirDocumento: () => ({ form: formOf({}, [fileOf(pdf(), 'tarde.pdf')], 'file') }),
    subirVersion: () => ({ form: formOf({}, [fileOf(pdf(), 'tarde.pdf')], 'file') }),
  };

  /** Routes whose path names an expediente, or one of its documents, and that change it. */
  const changesAnExpediente = (method: string, path: string): boolean =>
    method.toUpperCase() !== 'GET' && /[:{](id|expedienteId)\b/.test(path) && !/sagas/.test(path);

  /** Whether a route concerns one of the expediente's documents, which it may not have. */
  const onItsDocuments = (path: string): boolean =>
    path.startsWith('/documents/') || path.includes('{documentId}');

  /** Every role that `roles` admits among the personas. */
  const admitted = (roles: readonly string[]): Persona[] =>
    (Object.keys(personas) as Persona[]).filter((persona) =>
      personas[persona].roles.some((role) => roles.includes(role)),
    );

  it("refuses every service route's change of a closed expediente, for every role it admits: 422", async () => {
    expect(cerrados.map(({ estado }) => estado)).toEqual(['finalizado', 'creacion_rechazada']);
    const changing = declaredRoutes(gateway.embedded.internalApi).filter((route) =>
      changesAnExpediente(route.method, route.path),
    );
    expect(changing.length).toBeGreaterThanOrEqual(4);
    const wrong: string[] = [];
    for (const cerrado of cerrados) {
      for (const route of changing) {
        const change = serviceChanges[describeService(route)];
        if (!change) {
          wrong.push(`${describeService(route)}: no change declared for it here`);
          continue;
        }
        if (onItsDocuments(route.path) && !cerrado.ids.documentId) continue;
        for (const persona of admitted(rolesOf(route))) {
          const reply = await serviceCall(route, persona, cerrado.ids, change(cerrado));
          const body = await reply.text();
          if (reply.status !== 422) {
            wrong.push(
              `${describeService(route)} on ${cerrado.estado} as ${persona}: ${reply.status} ${body.slice(0, 200)}`,
            );
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every public change of a closed expediente, for every role it admits: 422', async () => {
    const changing = gateway.embedded.gateway.routes.filter((route: RouteDefinition) =>
      changesAnExpediente(route.method, route.path),
    );
    expect(changing.length).toBeGreaterThanOrEqual(4);
    const wrong: string[] = [];
    for (const cerrado of cerrados) {
      for (const route of changing) {
        const change = publicChanges[route.operationId];
        if (!change) {
          wrong.push(`${route.operationId}: no change declared for it here`);
          continue;
        }
        if (onItsDocuments(route.path) && !cerrado.ids.documentId) continue;
        const path = route.path.replace(
          /\{(\w+)\}/g,
          (_, name: string) => cerrado.ids[name] ?? 'x',
        );
        for (const persona of admitted(route.roles === 'public' ? [] : route.roles)) {
          const { json, form, headers } = change(cerrado);
          const reply = await gateway.api.request(path, {
            method: route.method.toUpperCase(),
            token: gateway.tokens[persona],
            json,
            form,
            headers,
          });
          if (reply.status !== 422) {
            wrong.push(
              `${route.operationId} on ${cerrado.estado} as ${persona}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`,
            );
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    for (const { ids, version, descripcion } of cerrados) {
      const after = await detail(ids.id, () => true);
      expect({ version: after.version, descripcion: after.descripcion }).toEqual({
        version,
        descripcion,
      });
    }
  });
});

import { randomInt } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { MessageBus, silentLogger } from '@expedientes/shared-kernel';
import {
  createServiceHttpApp,
  JwtIdentityVerifier,
  ServiceMetrics,
} from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { RebuildStarted } from '../../src/application/rebuild-index/rebuild-search-index';
import { SearchServiceModule } from '../../src/composition-root';
import { SearchItem, SearchResponse } from '../../src/infrastructure/api/search-endpoints';
import {
  documentoMother,
  ExpedienteHistory,
  fases,
  tramitadora,
  validador,
} from '../mothers/expediente-history.mother';

export interface SearchServiceUnderTest {
  readonly module: SearchServiceModule;
  /** Where the other services publish what the module reads: its bus, or another client of its broker. */
  readonly bus: MessageBus;
  dispose(): Promise<void>;
}

export interface ScenarioOptions {
  /** How long the index may take to show what was published. */
  readonly settleMs: number;
}

/** Relevance depends on everything else in the index, which other suites' events change. */
const withoutScores = (items: readonly SearchItem[]) =>
  items.map((item) => ({ ...item, score: 0 }));

const eventually = async <T>(timeoutMs: number, probe: () => Promise<T>): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};

/**
 * The search service on some infrastructure, fed the events of a few expedientes' lives and
 * searched through its HTTP API with real tokens. The topics may hold other suites' events
 * (Kafka's are shared and kept), so every word searched carries this run's own token and
 * every listing is confined to this run's own dates (random minutes of 2090).
 */
export function searchServiceScenario(
  start: (metrics: ServiceMetrics) => Promise<SearchServiceUnderTest>,
  { settleMs }: ScenarioOptions,
): void {
  const run = `r${randomInt(36 ** 6).toString(36)}`;
  const startsAt = new Date(Date.UTC(2090, 0, 1) + randomInt(500_000) * 60_000);
  const window = {
    desde: startsAt.toISOString(),
    hasta: new Date(startsAt.getTime() + 3_600_000).toISOString(),
  };
  const at = (minutes: number) => new Date(startsAt.getTime() + minutes * 60_000);
  const informe = documentoMother(`Informe hidrológico ${run}.pdf`);

  const pozo = new ExpedienteHistory(`EXP-${run}-000001`, at(0))
    .solicitado({ descripcion: `Análisis del agua del pozo ${run}`, documentos: [informe] })
    .abierto()
    .documentoSubido({ ...informe, nombre: `Informe hidrológico firmado ${run}.pdf`, version: 2 })
    .faseCambiada(fases.analisisTecnico)
    .faseCambiada(fases.validacion);
  const obra = new ExpedienteHistory(`EXP-${run}-000002`, at(10))
    .solicitado({ descripcion: `Licencia de obra ${run}`, opcionInicial: 'PETICION_DEPARTAMENTO' })
    .abierto()
    .documentoAdjuntado(documentoMother(`Plano de fachada ${run}.pdf`))
    .descripcionEditada(`Licencia de obra menor en la calle Mayor ${run}`)
    .faseCambiada(fases.analisisTecnico)
    .faseCambiada(fases.validacion)
    .faseCambiada(fases.finalizado, validador);
  const subvencion = new ExpedienteHistory(`EXP-${run}-000003`, at(20))
    .solicitado({ descripcion: `Subvención cultural ${run}` })
    .creacionRechazada();
  const pendiente = new ExpedienteHistory(`EXP-${run}-000004`, at(30)).solicitado({
    descripcion: `Obra pendiente de abrir ${run}`,
  });
  const histories = [pozo, obra, subvencion, pendiente];

  let subject: SearchServiceUnderTest;
  let server: Server;
  let baseUrl: string;
  let tokens: TestTokenIssuer;

  const call = async <TBody = Record<string, unknown>>(
    method: string,
    path: string,
    roles: readonly string[] = ['tramitador'],
  ): Promise<{ status: number; body: TBody }> => {
    const token = await tokens.token({ userId: 'consulta', roles });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as TBody };
  };

  const search = async (params: Record<string, string | number>): Promise<SearchResponse> => {
    const query = new URLSearchParams(
      Object.entries(params).map(([name, value]): [string, string] => [name, String(value)]),
    );
    const { status, body } = await call<SearchResponse>('GET', `/search?${query}`);
    expect(status).toBe(200);
    return body;
  };

  const codesOf = (response: SearchResponse) => response.items.map((item) => item.codigo);

  /** Waits until a search finds exactly these histories' expedientes, in this order. */
  const searchFinds = (params: Record<string, string | number>, expected: ExpedienteHistory[]) =>
    eventually(settleMs, async () => {
      const response = await search(params);
      expect(codesOf(response)).toEqual(expected.map((history) => history.codigo));
      return response;
    });

  const publish = async (history: ExpedienteHistory, from = 0) => {
    for (const { topic, envelope } of history.events.slice(from)) {
      await subject.bus.publish(topic, [envelope]);
    }
  };

  /** Every expediente of this run with every field, newest first. */
  const wholeRun = async (): Promise<SearchItem[]> =>
    (await search({ ...window, pageSize: 10 })).items;

  /** Waits until the index has applied the last event of every expediente's own topic. */
  const settled = () =>
    eventually(settleMs, async () => {
      const items = await wholeRun();
      expect(items.map((item) => item.actualizadoAt)).toEqual(
        [...histories].reverse().map((history) => history.lastAt),
      );
    });

  /** Waits until a replay has brought back `before`, every field but the relevance. */
  const restored = (before: readonly SearchItem[]) =>
    eventually(settleMs, async () => {
      expect(withoutScores(await wholeRun())).toEqual(withoutScores(before));
    });

  beforeAll(async () => {
    tokens = await TestTokenIssuer.create();
    const metrics = new ServiceMetrics('search');
    subject = await start(metrics);
    const app = createServiceHttpApp({
      service: subject.module.name,
      logger: silentLogger,
      metrics,
      readiness: subject.module.readiness,
      identity: new JwtIdentityVerifier({
        issuer: tokens.issuer,
        audience: tokens.audience,
        keys: tokens.jwks,
      }),
      api: subject.module.api,
    });
    await subject.module.start();
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const history of histories) await publish(history);
    await settled();
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await subject?.module.stop();
    await subject?.dispose();
  });

  it('is ready once its database answers and it reads the events', async () => {
    const { status, body } = await call('GET', '/health/ready');
    expect({ status, body }).toEqual({
      status: 200,
      body: {
        status: 'up',
        checks: [
          { name: 'database', status: 'up' },
          { name: 'index-consumer', status: 'up' },
        ],
      },
    });
  });

  it('finds an expediente by the words of its description, with all it knows of it', async () => {
    // The renamed document comes on another topic, which may be read later.
    const { items, total } = await eventually(settleMs, async () => {
      const response = await search({ q: `pozo ${run}` });
      expect(response.items[0]?.documentos).toEqual([
        { documentId: informe.documentId, nombre: `Informe hidrológico firmado ${run}.pdf` },
      ]);
      return response;
    });

    expect(total).toBe(1);
    expect(items[0]).toEqual({
      expedienteId: pozo.expedienteId,
      codigo: pozo.codigo,
      descripcion: `Análisis del agua del pozo ${run}`,
      opcionInicial: 'SEDE_ELECTRONICA',
      fase: { codigo: 'VALIDACION', nombre: 'Fase de validación' },
      estado: 'abierto',
      creadoPor: tramitadora.userId,
      creadoAt: at(0).toISOString(),
      actualizadoAt: pozo.lastAt,
      documentos: [
        { documentId: informe.documentId, nombre: `Informe hidrológico firmado ${run}.pdf` },
      ],
      score: expect.any(Number),
    });
    expect(items[0].score).toBeGreaterThan(0);
  });

  it('finds by code, by a document name, and without minding accents', async () => {
    await searchFinds({ q: obra.codigo }, [obra]);
    await searchFinds({ q: `fachada ${run}` }, [obra]);
    await searchFinds({ q: `hidrologico ${run}` }, [pozo]);
    await searchFinds({ q: `ANALISIS ${run}` }, [pozo]);
    await searchFinds({ q: `calle mayor ${run}` }, [obra]);
  });

  it('filters by state, phase, initial option and dates', async () => {
    await searchFinds({ q: run, estado: 'finalizado' }, [obra]);
    await searchFinds({ q: run, estado: 'rechazado' }, [subvencion]);
    await searchFinds({ q: run, estado: 'pendiente' }, [pendiente]);
    await searchFinds({ q: run, fase: 'VALIDACION' }, [pozo]);
    await searchFinds({ q: run, opcionInicial: 'PETICION_DEPARTAMENTO' }, [obra]);
    await searchFinds({ desde: at(10).toISOString(), hasta: at(20).toISOString() }, [
      subvencion,
      obra,
    ]);
  });

  it('lists the newest first a page at a time', async () => {
    await searchFinds({ ...window }, [pendiente, subvencion, obra, pozo]);
    const page = await searchFinds({ ...window, page: 2, pageSize: 3 }, [pozo]);

    expect({ total: page.total, page: page.page, pageSize: page.pageSize }).toEqual({
      total: 4,
      page: 2,
      pageSize: 3,
    });
  });

  it('changes nothing when an event is delivered again', async () => {
    await searchFinds({ q: run, fase: 'VALIDACION' }, [pozo]);
    const toAnalisis = pozo.events.findIndex(
      ({ envelope }) =>
        (envelope.payload as { hacia?: { codigo: string } }).hacia?.codigo === 'ANALISIS_TECNICO',
    );
    // Applied again, it would put the expediente back in the technical analysis phase.
    const { topic, envelope } = pozo.events[toAnalisis];
    await subject.bus.publish(topic, [envelope]);
    const marked = pozo.events.length;
    pozo.descripcionEditada(`Análisis del agua del pozo revisado ${run}`);
    await publish(pozo, marked);

    const { items } = await searchFinds({ q: `revisado ${run}` }, [pozo]);
    expect(items[0].fase).toEqual({ codigo: 'VALIDACION', nombre: 'Fase de validación' });
  });

  it('answers invalid parameters with a problem that names each field', async () => {
    const { status, body } = await call('GET', '/search?estado=cerrado&pageSize=0');

    expect(status).toBe(400);
    expect(body).toMatchObject({
      status: 400,
      code: 'REQUEST.INVALID',
      errors: [
        { field: 'estado', message: expect.any(String) },
        { field: 'pageSize', message: 'Debe ser 1 o más.' },
      ],
    });
  });

  it('lets only an administrator rebuild the index', async () => {
    const { status, body } = await call('POST', '/admin/rebuild', ['tramitador', 'validador']);

    expect(status).toBe(403);
    expect(body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });

  it('rebuilds the index from the events to the same results', async () => {
    const before = await wholeRun();

    const { status, body } = await call<RebuildStarted>('POST', '/admin/rebuild', ['admin']);

    expect(status).toBe(202);
    expect(body).toEqual({
      generation: expect.any(Number),
      consumerGroup: `search.index.g${body.generation}`,
    });
    await restored(before);
    await searchFinds({ q: `fachada ${run}` }, [obra]);
  });

  it('rebuilds when its module is asked to, under the next generation', async () => {
    const before = await wholeRun();
    const { body } = await call<RebuildStarted>('POST', '/admin/rebuild', ['admin']);
    const { generation } = body;

    await expect(subject.module.rebuild()).resolves.toEqual({
      generation: generation + 1,
      consumerGroup: `search.index.g${generation + 1}`,
    });

    await restored(before);
  });
}

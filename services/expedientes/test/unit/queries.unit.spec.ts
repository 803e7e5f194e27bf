import { vencimientoDe } from '../support/fake-participants';
import { EventStore, Logger, publishedLanguage, silentLogger } from '@expedientes/shared-kernel';
import { GetExpediente } from '../../src/application/get-expediente/get-expediente';
import { GetExpedienteHistory } from '../../src/application/get-history/get-history';
import { GetSaga } from '../../src/application/get-saga/get-saga';
import { CreacionRechazadaError } from '../../src/application/open-expediente/errors';
import { integrationEventFor } from '../../src/application/integration-events/integration-event-for';
import { ListExpedientes } from '../../src/application/list-expedientes/list-expedientes';
import { ExpedienteProjector } from '../../src/application/projections/expediente-projector';
import { evolveDetail } from '../../src/application/projections/expediente-detail';
import { evolveListItem } from '../../src/application/projections/expediente-list';
import { searchTextOf, ViewsWrite } from '../../src/application/projections/read-models';
import { fromRecorded } from '../../src/application/expediente-stream';
import { RebuildReadModels } from '../../src/application/rebuild-read-models/rebuild-read-models';
import { applicationFixture } from '../support/application-fixture';
import { InMemoryReadModels } from '../support/in-memory-read-models';
import { ActorMother, DocumentoMother, FaseMother } from '../support/mothers';

/**
 * One expediente's life, each change at its own time: opened with two documents, a phase
 * change, an edit, a new version of a document, then on to validation by an admin.
 */
async function aLife(app: ReturnType<typeof applicationFixture>) {
  app.setNow('2030-02-01T10:00:00.000Z');
  const opened = await app.openExpediente.execute(
    {
      codigo: 'LIC-7',
      opcionInicial: 'PETICION_DEPARTAMENTO',
      descripcion: 'Licencia de tramitación',
      documentIds: ['doc-1', 'doc-2'],
    },
    app.request(),
  );
  if (opened.status !== 'done') throw new Error('not opened');
  const id = opened.result.expedienteId;
  app.setNow('2030-02-02T10:00:00.000Z');
  await app.advancePhase.execute({ expedienteId: id, hacia: 'ANALISIS_TECNICO' }, app.request());
  app.setNow('2030-02-03T10:00:00.000Z');
  await app.editDescripcion.execute(
    { expedienteId: id, descripcion: 'Licencia de obra', expectedVersion: 2 },
    app.request(),
  );
  app.setNow('2030-02-04T10:00:00.000Z');
  const expediente = await app.expedientes.findById(id);
  expediente?.adjuntarDocumento(
    DocumentoMother.of('doc-1', {
      version: 2,
      nombre: 'solicitud-corregida.pdf',
      subidoAt: '2030-02-04T09:59:00.000Z',
      subidoPor: 'luis',
    }),
    { por: 'luis', at: app.clock() },
  );
  await app.expedientes.save(expediente!, {
    actor: { userId: 'luis', roles: ['tramitador'] },
    correlationId: 'c',
    causationId: null,
  });
  app.setNow('2030-02-05T10:00:00.000Z');
  await app.advancePhase.execute(
    { expedienteId: id, hacia: 'VALIDACION' },
    app.request(ActorMother.admin()),
  );
  return id;
}

const recordedOf = async (app: ReturnType<typeof applicationFixture>, id: string) =>
  (await app.eventStore.readStream(`expediente-${id}`)).map(fromRecorded);

describe('the query side', () => {
  let app: ReturnType<typeof applicationFixture>;
  let id: string;

  beforeEach(async () => {
    app = applicationFixture();
    id = await aLife(app);
  });

  describe('the detail projection', () => {
    it('folds the events into metadata, phase history and documents with their versions', async () => {
      const detail = (await recordedOf(app, id)).reduce(evolveDetail, null);
      expect(detail).toMatchObject({
        id,
        codigo: 'LIC-7',
        opcionInicial: 'PETICION_DEPARTAMENTO',
        opcionInicialNombre: 'A petición departamento',
        descripcion: 'Licencia de obra',
        estado: 'abierto',
        rechazo: null,
        creadoAt: '2030-02-01T10:00:00.000Z',
        creadoPor: 'ana.tramitadora',
        actualizadoAt: '2030-02-05T10:00:00.000Z',
        actualizadoPor: 'root',
        fase: FaseMother.validacion(),
        vencimiento: null,
        version: 5,
      });
      expect(detail?.historialDeFases).toEqual([
        {
          fase: FaseMother.inicial(),
          entradaAt: '2030-02-01T10:00:00.000Z',
          entradaPor: 'ana.tramitadora',
          vencimiento: vencimientoDe.INICIAL,
          salidaAt: '2030-02-02T10:00:00.000Z',
          salidaPor: 'ana.tramitadora',
        },
        {
          fase: FaseMother.analisis(),
          entradaAt: '2030-02-02T10:00:00.000Z',
          entradaPor: 'ana.tramitadora',
          vencimiento: vencimientoDe.ANALISIS_TECNICO,
          salidaAt: '2030-02-05T10:00:00.000Z',
          salidaPor: 'root',
        },
        {
          fase: FaseMother.validacion(),
          entradaAt: '2030-02-05T10:00:00.000Z',
          entradaPor: 'root',
          salidaAt: null,
          salidaPor: null,
        },
      ]);
      const [doc1, doc2] = detail?.documentos ?? [];
      expect(doc1).toMatchObject({
        documentId: 'doc-1',
        nombre: 'solicitud-corregida.pdf',
        version: 2,
        size: 2_000,
        sha256: DocumentoMother.of('doc-1', { version: 2 }).sha256,
        subidoAt: '2030-01-01T08:00:00.000Z',
        subidoPor: 'ana.tramitadora',
        actualizadoAt: '2030-02-04T09:59:00.000Z',
        actualizadoPor: 'luis',
      });
      expect(doc1.versiones.map((version) => version.version)).toEqual([1, 2]);
      expect(doc2).toMatchObject({ documentId: 'doc-2', version: 1 });
    });

    it('builds nothing from events whose first one it never saw', async () => {
      const [, ...withoutTheFirst] = await recordedOf(app, id);
      expect(withoutTheFirst.reduce(evolveDetail, null)).toBeNull();
      expect(withoutTheFirst.reduce(evolveListItem, null)).toBeNull();
    });
  });

  it('the list projection keeps what a row shows', async () => {
    const item = (await recordedOf(app, id)).reduce(evolveListItem, null);
    expect(item).toEqual({
      id,
      codigo: 'LIC-7',
      opcionInicial: 'PETICION_DEPARTAMENTO',
      descripcion: 'Licencia de obra',
      estado: 'abierto',
      fase: { codigo: 'VALIDACION', nombre: 'Fase de validación' },
      creadoAt: '2030-02-01T10:00:00.000Z',
      creadoPor: 'ana.tramitadora',
      actualizadoAt: '2030-02-05T10:00:00.000Z',
      asignadoA: null,
      mencionados: [],
      vencimiento: null,
      version: 5,
    });
  });

  describe('the projector', () => {
    it('writes each event once, however often it is delivered', async () => {
      const readModels = new InMemoryReadModels();
      const projector = new ExpedienteProjector(readModels);
      const recorded = await recordedOf(app, id);
      for (const event of [...recorded, ...recorded.slice(2)]) await projector.projectAll([event]);
      expect(readModels.writes).toHaveLength(recorded.length);
      expect(await readModels.detail(id)).toEqual(recorded.reduce(evolveDetail, null));
    });

    it('rebuilds from the whole history the views the live projection built', async () => {
      const live = new InMemoryReadModels();
      const projector = new ExpedienteProjector(live);
      for (const event of await recordedOf(app, id)) await projector.projectAll([event]);
      const liveViews = { items: new Map(live.listItems), details: new Map(live.details) };
      await live.write([
        {
          expedienteId: id,
          views: { detail: { ...(await live.detail(id))!, codigo: 'ROTO' } },
          position: 999n,
        },
      ]);

      const [loadsBefore, writesBefore] = [live.loads.length, live.writes.length];
      const rebuild = new RebuildReadModels(app.eventStore, live, silentLogger, {
        batchSize: 2,
        heldAtMost: 10,
      });
      expect(await rebuild.execute()).toEqual({ eventos: 6 });
      expect(live.listItems).toEqual(liveViews.items);
      expect(live.details).toEqual(liveViews.details);
      // Three batches of two, held until the end: one insert, nothing looked up.
      expect(live.loads.slice(loadsBefore)).toEqual([]);
      expect(live.writes.slice(writesBefore)).toEqual([
        { expedienteId: id, position: liveViews.items.get(id)!.position, noneStored: true },
      ]);
    });

    it('folds what was appended while it wrote the views it held', async () => {
      // Another replica's live projection found no views for it: they were held.
      const editedMeanwhile = () =>
        app.editDescripcion.execute(
          { expedienteId: id, descripcion: 'Licencia de obra mayor', expectedVersion: 5 },
          app.request(),
        );
      const readModels = new (class extends InMemoryReadModels {
        private meanwhile: (() => Promise<unknown>) | undefined = editedMeanwhile;
        override async write(writes: readonly ViewsWrite[]): Promise<void> {
          const meanwhile = this.meanwhile;
          this.meanwhile = undefined;
          await meanwhile?.();
          return super.write(writes);
        }
      })();

      const rebuild = new RebuildReadModels(app.eventStore, readModels, silentLogger, {
        heldAtMost: 10,
      });
      expect(await rebuild.execute()).toEqual({ eventos: 7 });
      const current = (await recordedOf(app, id)).reduce(evolveDetail, null);
      expect(current?.descripcion).toBe('Licencia de obra mayor');
      expect(await readModels.detail(id)).toEqual(current);
    });

    it('says when it starts, how far it has come every ten seconds, and when it ends', async () => {
      const said: Array<[string, Record<string, unknown>]> = [];
      const logger = {
        ...silentLogger,
        info: (fields: Record<string, unknown> | string, message?: string) => {
          said.push(typeof fields === 'string' ? [fields, {}] : [message!, fields]);
        },
      } as Logger;
      jest.useFakeTimers({ now: 0 });
      try {
        // Each read of a batch takes six seconds.
        const slowly: Pick<EventStore, 'readAll'> = {
          readAll: (options) => {
            jest.advanceTimersByTime(6_000);
            return app.eventStore.readAll(options);
          },
        };
        await new RebuildReadModels(slowly, new InMemoryReadModels(), logger, {
          batchSize: 2,
          heldAtMost: 10,
        }).execute();
      } finally {
        jest.useRealTimers();
      }
      expect(said).toEqual([
        ['rebuilding the read models from every event', {}],
        ['read-model rebuild under way', { eventos: 4, held: 1 }],
        // The fourth read (at 24 s) finds the end.
        ['read-model rebuild under way', { eventos: 6, held: 1 }],
        ['read models rebuilt from every event', { eventos: 6, seconds: 30 }],
      ]);
    });

    it('tells the store when none of an expediente was stored, the live projection too', async () => {
      const readModels = new InMemoryReadModels();
      const projector = new ExpedienteProjector(readModels);
      const [first, second] = await recordedOf(app, id);
      await projector.projectAll([first]);
      await projector.projectAll([second]);
      expect(readModels.writes.map((write) => write.noneStored)).toEqual([true, false]);
      // Only the second was looked up: views of an expediente come from its own events.
      expect(readModels.loads).toEqual([id]);
    });

    it("keeps the later views when an expediente's first event is delivered again", async () => {
      const readModels = new InMemoryReadModels();
      const projector = new ExpedienteProjector(readModels);
      const recorded = await recordedOf(app, id);
      for (const event of recorded) await projector.projectAll([event]);
      await projector.projectAll([recorded[0]]);
      expect(await readModels.detail(id)).toEqual(recorded.reduce(evolveDetail, null));
      expect(readModels.listItems.get(id)?.position).toBe(recorded.at(-1)!.position);
    });
  });

  it('shows an expediente as it stood at an instant', async () => {
    const get = new GetExpediente(new InMemoryReadModels(), app.eventStore);
    const then = await get.execute(id, { asOf: new Date('2030-02-03T12:00:00.000Z') });
    expect(then).toMatchObject({
      descripcion: 'Licencia de obra',
      fase: FaseMother.analisis(),
      version: 3,
    });
    expect(then.documentos[0].version).toBe(1);
    await expect(
      get.execute(id, { asOf: new Date('2030-01-31T00:00:00.000Z') }),
    ).rejects.toMatchObject({
      code: 'EXPEDIENTE.NO_ENCONTRADO',
    });
    await expect(get.execute('nope')).rejects.toMatchObject({ code: 'EXPEDIENTE.NO_ENCONTRADO' });
  });

  it('shows an expediente at its last event while its read model is missing or behind', async () => {
    const readModels = new InMemoryReadModels();
    const get = new GetExpediente(readModels, app.eventStore);
    const recorded = await recordedOf(app, id);
    const current = recorded.reduce(evolveDetail, null);
    expect(await get.execute(id)).toEqual(current);

    // The projection has reached version 3 only.
    const projector = new ExpedienteProjector(readModels);
    for (const event of recorded.slice(0, 4)) await projector.projectAll([event]);
    expect((await readModels.detail(id))!.version).toBe(3);
    expect(await get.execute(id)).toEqual(current);

    // Once the projection has caught up, the read model is what answers.
    for (const event of recorded.slice(4)) await projector.projectAll([event]);
    const caughtUp = await readModels.detail(id);
    expect(caughtUp).toEqual(current);
    expect(await get.execute(id)).toBe(caughtUp);
  });

  it('tells the whole history: what, who and when', async () => {
    const history = await new GetExpedienteHistory(app.eventStore).execute(id);
    expect(history.map(({ tipo, usuario, ocurridoAt }) => [tipo, usuario, ocurridoAt])).toEqual([
      ['solicitado', 'ana.tramitadora', '2030-02-01T10:00:00.000Z'],
      ['abierto', 'ana.tramitadora', '2030-02-01T10:00:00.000Z'],
      ['fase-cambiada', 'ana.tramitadora', '2030-02-02T10:00:00.000Z'],
      ['descripcion-editada', 'ana.tramitadora', '2030-02-03T10:00:00.000Z'],
      ['documento-adjuntado', 'luis', '2030-02-04T10:00:00.000Z'],
      ['fase-cambiada', 'root', '2030-02-05T10:00:00.000Z'],
    ]);
    expect(history.map((entry) => entry.resumen)).toEqual([
      'Solicitada la apertura con el código LIC-7 (A petición departamento) y 2 documentos',
      'Abierto en la fase «Fase inicial» con 2 documentos',
      'Cambio de fase de «Fase inicial» a «Fase de análisis técnico»',
      'Descripción cambiada de «Licencia de tramitación» a «Licencia de obra»',
      'Añadida la versión 2 del documento «solicitud-corregida.pdf»',
      'Cambio de fase de «Fase de análisis técnico» a «Fase de validación»',
    ]);
    expect(history[5]).toMatchObject({ version: 5, roles: ['admin'] });
    expect(history[3].datos).toEqual({
      expedienteId: id,
      descripcion: 'Licencia de obra',
      anterior: 'Licencia de tramitación',
    });
    await expect(new GetExpedienteHistory(app.eventStore).execute('nope')).rejects.toMatchObject({
      code: 'EXPEDIENTE.NO_ENCONTRADO',
      kind: 'not_found',
    });
  });

  it('turns days and words into the criteria of the list', async () => {
    const readModels = new InMemoryReadModels();
    const list = new ListExpedientes(readModels);
    await list.execute({});
    await list.execute({
      desde: '2030-02-01',
      hasta: '2030-02-28',
      q: '  Tramitación ',
      codigo: ' exp-2030/7 ',
      sort: 'codigo',
      page: 0,
      pageSize: 1_000,
    });
    await list.execute({ desde: '2030-02-01T10:00:00+01:00', hasta: '2030-02-01T12:00:00Z' });
    expect(readModels.criteria).toEqual([
      expect.objectContaining({ sort: 'creadoAt', order: 'desc', page: 1, pageSize: 20 }),
      expect.objectContaining({
        desde: '2030-02-01T00:00:00.000Z',
        hastaAntesDe: '2030-03-01T00:00:00.000Z',
        q: 'tramitacion',
        codigo: 'EXP-2030/7',
        sort: 'codigo',
        order: 'asc',
        page: 1,
        pageSize: 100,
      }),
      expect.objectContaining({
        desde: '2030-02-01T09:00:00.000Z',
        hastaAntesDe: '2030-02-01T12:00:00.001Z',
      }),
    ]);
    expect(searchTextOf('EXP-1', 'Licencia Ñandú')).toBe('exp-1 licencia nandu');
  });

  it('publishes every event in the published language, with its own id', async () => {
    const registry = publishedLanguage();
    const recorded = await recordedOf(app, id);
    const envelopes = recorded.map(integrationEventFor);
    for (const envelope of envelopes)
      expect(registry.validate(envelope)).toMatchObject({ ok: true });
    expect(envelopes.map((envelope) => envelope.type)).toEqual([
      'expedientes.expediente.solicitado',
      'expedientes.expediente.abierto',
      'expedientes.expediente.fase-cambiada',
      'expedientes.expediente.descripcion-editada',
      'expedientes.expediente.documento-adjuntado',
      'expedientes.expediente.fase-cambiada',
    ]);
    expect(envelopes[2]).toMatchObject({
      id: recorded[2].eventId,
      key: id,
      occurredAt: '2030-02-02T10:00:00.000Z',
      actor: ActorMother.tramitadora(),
      payload: {
        expedienteId: id,
        version: 2,
        desde: FaseMother.inicial(),
        hacia: FaseMother.analisis(),
      },
    });
    expect(envelopes.map((envelope) => (envelope.payload as { version: number }).version)).toEqual(
      recorded.map((event) => event.streamVersion),
    );
    expect(envelopes[2].payload).not.toHaveProperty('por');
  });

  it('lists the comments in the detail, tells them in the history and publishes them', async () => {
    app.setNow('2030-02-06T10:00:00.000Z');
    const comentado = await app.commentExpediente.execute(
      { expedienteId: id, texto: 'Falta el plano.\n@ana.tramitadora, ¿lo pide?' },
      app.request(ActorMother.validador()),
    );
    const comentario = {
      version: 6,
      texto: 'Falta el plano.\n@ana.tramitadora, ¿lo pide?',
      menciones: ['ana.tramitadora'],
      por: 'vicente.validador',
      at: '2030-02-06T10:00:00.000Z',
    };
    expect(comentado).toEqual({ expedienteId: id, ...comentario });
    const recorded = await recordedOf(app, id);
    const detail = recorded.reduce(evolveDetail, null);
    expect(detail?.comentarios).toEqual([comentario]);
    expect(detail).toMatchObject({ version: 6, actualizadoPor: 'vicente.validador' });
    expect(recorded.reduce(evolveListItem, null)?.mencionados).toEqual(['ana.tramitadora']);
    const [entrada] = (await new GetExpedienteHistory(app.eventStore).execute(id)).slice(-1);
    expect(entrada).toMatchObject({
      tipo: 'comentario-anadido',
      usuario: 'vicente.validador',
      resumen: 'Comentario: Falta el plano.\n@ana.tramitadora, ¿lo pide?',
    });
    const published = integrationEventFor(recorded[6]);
    expect(publishedLanguage().validate(published)).toMatchObject({ ok: true });
    expect(published).toMatchObject({
      type: 'expedientes.expediente.comentario-anadido',
      payload: { expedienteId: id, version: 6, menciones: ['ana.tramitadora'] },
    });
    // A detail stored before comments existed still reads, and takes new ones.
    const { comentarios, ...before } = recorded.slice(0, 6).reduce(evolveDetail, null)!;
    expect(comentarios).toEqual([]);
    expect(evolveDetail(before as never, recorded[6])?.comentarios).toEqual([comentario]);
  });

  it('assigns: the detail, the list row, the history and the published language say who has it', async () => {
    app.setNow('2030-02-06T10:00:00.000Z');
    const tomado = await app.assignExpediente.execute(
      { expedienteId: id, asignadoA: ' Vicente.Validador ' },
      app.request(ActorMother.validador()),
    );
    expect(tomado).toEqual({ expedienteId: id, asignadoA: 'vicente.validador', version: 6 });
    // Someone else's: only its assignee or an administrator passes it on.
    await expect(
      app.assignExpediente.execute({ expedienteId: id, asignadoA: null }, app.request()),
    ).rejects.toMatchObject({ code: 'EXPEDIENTE.ASIGNADO_A_OTRO' });
    await expect(
      app.advancePhase.execute({ expedienteId: id, hacia: 'FINALIZADO' }, app.request()),
    ).rejects.toMatchObject({ code: 'EXPEDIENTE.TRAMITA_OTRO' });
    await app.assignExpediente.execute(
      { expedienteId: id, asignadoA: null },
      app.request(ActorMother.admin()),
    );
    const recorded = await recordedOf(app, id);
    expect(recorded.reduce(evolveDetail, null)?.asignadoA).toBeNull();
    expect(recorded.slice(0, 7).reduce(evolveListItem, null)?.asignadoA).toBe('vicente.validador');
    const history = await new GetExpedienteHistory(app.eventStore).execute(id);
    expect(history.slice(-2).map((entrada) => entrada.resumen)).toEqual([
      'Asignado a vicente.validador',
      'Liberado (lo tenía vicente.validador)',
    ]);
    const published = integrationEventFor(recorded[6]);
    expect(publishedLanguage().validate(published)).toMatchObject({ ok: true });
    expect(published.payload).toEqual({
      expedienteId: id,
      version: 6,
      asignadoA: 'vicente.validador',
    });
    await expect(
      app.assignExpediente.execute({ expedienteId: id, asignadoA: 'no vale' }, app.request()),
    ).rejects.toMatchObject({ code: 'EXPEDIENTE.USUARIO_INVALIDO', kind: 'invalid' });
  });

  it('refuses a comment from a user without a role, and on a finished expediente', async () => {
    await expect(
      app.commentExpediente.execute(
        { expedienteId: id, texto: 'Hola' },
        app.request({ userId: 'nadie', roles: [] }),
      ),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    await app.advancePhase.execute(
      { expedienteId: id, hacia: 'FINALIZADO' },
      app.request(ActorMother.validador()),
    );
    await expect(
      app.commentExpediente.execute({ expedienteId: id, texto: 'Tarde' }, app.request()),
    ).rejects.toMatchObject({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' });
  });

  it('follows a saga by its id, with why it did not complete', async () => {
    app.participants.answer = () => ({
      type: 'documents.DocumentsRegistrationFailed',
      payload: { code: 'DOCUMENTS.NOT_FOUND', reason: 'No existe doc-9', documentIds: ['doc-9'] },
    });
    const refusal: unknown = await app.openExpediente
      .execute(
        {
          codigo: 'X-1',
          opcionInicial: 'SEDE_ELECTRONICA',
          descripcion: '',
          documentIds: ['doc-9'],
        },
        app.request(),
      )
      .catch((error: unknown) => error);
    const { sagaId, expedienteId } = (refusal as CreacionRechazadaError).details;
    const get = new GetSaga(app.sagaStore);
    await expect(get.execute(String(sagaId))).resolves.toEqual({
      sagaId,
      tipo: 'expedientes.OpenExpediente',
      estado: 'compensated',
      expedienteId,
      fallo: { code: 'DOCUMENTS.NOT_FOUND', message: 'No existe doc-9' },
      creadaAt: expect.any(String),
      actualizadaAt: expect.any(String),
    });
    await expect(get.execute('nope')).rejects.toMatchObject({ code: 'SAGA.NO_ENCONTRADA' });
  });
});

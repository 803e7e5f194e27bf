import { randomUUID } from 'node:crypto';
import { documents, Envelope, EnvelopeFactory, topics } from '@expedientes/shared-kernel';
import { ExpedientesInfrastructure } from '../../src/composition-root';
import { eventually } from '@expedientes/shared-kernel/testing';
import { vencimientoDe } from './fake-participants';
import { DocumentoMother } from './mothers';
import { ServiceHarness } from './service-harness';

export interface InfrastructureUnderTest {
  readonly infrastructure: ExpedientesInfrastructure;
  /** Closes the bus and removes the stores. */
  readonly cleanup: () => Promise<void>;
}

/**
 * The expedientes service end to end on one infrastructure: through its HTTP API with real
 * tokens, with documents and bpm played on the bus. Run on the embedded one (SQLite and the
 * embedded bus) and on the distributed one (MySQL event store, MongoDB, Kafka).
 */
export function expedientesServiceSuite(
  name: string,
  makeInfrastructure: () => Promise<InfrastructureUnderTest>,
): void {
  describe(name, () => {
    let underTest: InfrastructureUnderTest;
    let harness: ServiceHarness;
    const run = randomUUID().slice(0, 6).toUpperCase();
    let codes = 0;
    /** A code no other test of this run uses. */
    const newCodigo = (): string => `EXP-${run}/${++codes}`;

    beforeAll(async () => {
      underTest = await makeInfrastructure();
      harness = await ServiceHarness.start(underTest.infrastructure);
    }, 60_000);
    afterAll(async () => {
      await harness?.stop();
      await underTest?.cleanup();
    }, 60_000);

    const open = async (codigo = newCodigo()) => {
      const answer = await harness.request('POST', '/expedientes', {
        body: {
          codigo,
          opcionInicial: 'SEDE_ELECTRONICA',
          descripcion: `Licencia de obra ${codigo}`,
          documentIds: ['doc-1', 'doc-2'],
        },
      });
      expect(answer.status).toBe(201);
      return answer.body as { expedienteId: string; version: number };
    };
    const detailOf = (id: string, query = '') =>
      harness.request('GET', `/expedientes/${id}${query}`);
    /**
     * The detail at `version`, once the list's read model has projected it too: the detail
     * itself folds the events its read model lacks, the list does not.
     */
    const detailAt = (id: string, version: number) =>
      eventually(async () => {
        const answer = await detailOf(id);
        expect(answer.status).toBe(200);
        expect(answer.body.version).toBe(version);
        const listed = await harness.request(
          'GET',
          `/expedientes?codigo=${encodeURIComponent(answer.body.codigo)}`,
        );
        const item = listed.body.items.find((entry: { id: string }) => entry.id === id);
        expect(item?.version).toBe(version);
        return answer.body;
      });
    const transition = (id: string, hacia: string, as: 'tramitador' | 'validador' = 'tramitador') =>
      harness.request('POST', `/expedientes/${id}/transitions`, { as, body: { hacia } });

    it('opens an expediente with two documents and shows it in the list and the detail', async () => {
      const codigo = newCodigo();
      const answer = await harness.request('POST', '/expedientes', {
        user: 'ana',
        body: {
          codigo,
          opcionInicial: 'PETICION_DEPARTAMENTO',
          descripcion: 'Rehabilitación de la fachada',
          documentIds: ['solicitud', 'plano'],
        },
      });
      expect(answer.status).toBe(201);
      const { expedienteId } = answer.body;
      expect(answer.headers.get('location')).toBe(`/expedientes/${expedienteId}`);
      expect(answer.body).toMatchObject({
        codigo,
        estado: 'abierto',
        fase: { codigo: 'INICIAL', nombre: 'Fase inicial' },
        version: 1,
      });

      const detail = await detailAt(expedienteId, 1);
      expect(detail).toMatchObject({
        codigo,
        opcionInicialNombre: 'A petición departamento',
        descripcion: 'Rehabilitación de la fachada',
        estado: 'abierto',
        creadoPor: 'ana',
        historialDeFases: [{ fase: { codigo: 'INICIAL' }, entradaPor: 'ana', salidaAt: null }],
      });
      expect(detail.documentos).toEqual([
        expect.objectContaining({
          documentId: 'solicitud',
          nombre: 'solicitud.pdf',
          version: 1,
          size: 1_000,
          sha256: DocumentoMother.of('solicitud').sha256,
          subidoPor: 'ana.tramitadora',
        }),
        expect.objectContaining({ documentId: 'plano' }),
      ]);

      const list = await harness.request(
        'GET',
        `/expedientes?q=${encodeURIComponent('FACHADA')}&fase=INICIAL&opcionInicial=PETICION_DEPARTAMENTO`,
        { as: 'validador' },
      );
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ total: 1, page: 1, pageSize: 20 });
      expect(list.body.items).toEqual([
        expect.objectContaining({ id: expedienteId, codigo, estado: 'abierto' }),
      ]);
      expect(harness.participants.commandTypesFor(expedienteId)).toEqual([
        'documents.RegisterDocuments',
        'bpm.StartProcess',
      ]);
      expect((await harness.request('GET', '/health/ready', { as: null })).status).toBe(200);
    });

    it('lists with filters, sorting and pages', async () => {
      const mine = [newCodigo(), newCodigo(), newCodigo()];
      const ids = [];
      for (const codigo of mine) ids.push((await open(codigo)).expedienteId);
      await transition(ids[1], 'ANALISIS_TECNICO');
      await detailAt(ids[1], 2);
      const page = (query: string) =>
        harness.request('GET', `/expedientes?q=${encodeURIComponent(`EXP-${run}`)}&${query}`);

      const firstTwo = await page('sort=codigo&order=desc&pageSize=2');
      expect(firstTwo.body.total).toBeGreaterThanOrEqual(3);
      const codigos = firstTwo.body.items.map((item: { codigo: string }) => item.codigo);
      expect(codigos).toEqual([...codigos].sort().reverse());
      const enAnalisis = await page('fase=ANALISIS_TECNICO');
      expect(enAnalisis.body.items.map((item: { id: string }) => item.id)).toEqual([ids[1]]);
      const today = new Date().toISOString().slice(0, 10);
      const fromToday = await page(`desde=${today}&hasta=${today}&pageSize=100`);
      expect(fromToday.body.items.map((item: { id: string }) => item.id)).toEqual(
        expect.arrayContaining(ids),
      );
      const beforeToday = await page(`hasta=2000-01-01`);
      expect(beforeToday.body).toMatchObject({ total: 0, items: [] });
      expect((await page('sort=nombre')).status).toBe(400);

      // By code, exactly and whatever its case: a code that only begins with it is not it.
      const byCodigo = (codigo: string) =>
        harness.request('GET', `/expedientes?codigo=${encodeURIComponent(codigo)}`);
      const second = await byCodigo(` ${mine[2].toLowerCase()} `);
      expect(second.body).toMatchObject({ total: 1 });
      expect(second.body.items.map((item: { id: string }) => item.id)).toEqual([ids[2]]);
      expect((await byCodigo(`EXP-${run}`)).body).toMatchObject({ total: 0, items: [] });
      expect((await byCodigo(' ')).status).toBe(400);
    });

    it('gives the same total on a full page, the last one and one past the end', async () => {
      for (let made = 0; made < 3; made++) await open(newCodigo());
      const page = (query: string) =>
        harness.request('GET', `/expedientes?q=${encodeURIComponent(`EXP-${run}`)}&${query}`);
      const all = await page('pageSize=100');
      const total: number = all.body.total;
      expect(total).toBeGreaterThanOrEqual(3);
      expect(all.body.items).toHaveLength(total);
      const pages = Math.ceil(total / 2);
      expect((await page('pageSize=2')).body).toMatchObject({ total, page: 1 });
      const last = await page(`pageSize=2&page=${pages}`);
      expect(last.body).toMatchObject({ total, page: pages });
      expect(last.body.items).toHaveLength(total - 2 * (pages - 1));
      expect((await page(`pageSize=2&page=${pages + 1}`)).body).toMatchObject({ total, items: [] });
    });

    it('shows the plazo of the current phase, flagged as it stands today, and sorts by it', async () => {
      const [lejos, vencido] = [(await open()).expedienteId, (await open()).expedienteId];
      const otroLejos = (await open()).expedienteId;
      await transition(vencido, 'ANALISIS_TECNICO');
      await detailAt(vencido, 2);
      const sinPlazo = (await open()).expedienteId;
      await transition(sinPlazo, 'ANALISIS_TECNICO');
      await transition(sinPlazo, 'VALIDACION');
      await detailAt(sinPlazo, 3);

      expect((await detailAt(lejos, 1)).plazo).toEqual({
        vencimiento: vencimientoDe.INICIAL,
        estado: 'en-plazo',
      });
      expect((await detailAt(vencido, 2)).plazo).toEqual({
        vencimiento: vencimientoDe.ANALISIS_TECNICO,
        estado: 'vencido',
      });
      const list = await harness.request(
        'GET',
        `/expedientes?q=${encodeURIComponent(`EXP-${run}`)}&sort=vencimiento&pageSize=100`,
      );
      const mine = list.body.items.filter((item: { id: string }) =>
        [lejos, vencido, sinPlazo, otroLejos].includes(item.id),
      );
      expect(mine.map((item: { id: string; plazo: unknown }) => [item.id, item.plazo])).toEqual([
        [vencido, { vencimiento: vencimientoDe.ANALISIS_TECNICO, estado: 'vencido' }],
        [lejos, { vencimiento: vencimientoDe.INICIAL, estado: 'en-plazo' }],
        // The same last day: the older first.
        [otroLejos, { vencimiento: vencimientoDe.INICIAL, estado: 'en-plazo' }],
        [sinPlazo, null],
      ]);
    });

    it('lists who has each expediente: assigned to someone, and to nobody', async () => {
      const ids = [(await open()).expedienteId, (await open()).expedienteId];
      const tomado = await harness.request('PUT', `/expedientes/${ids[0]}/assignee`, {
        user: 'marta.tramitadora',
        body: { asignadoA: 'marta.tramitadora' },
      });
      expect(tomado.status).toBe(200);
      expect(tomado.body).toEqual({
        expedienteId: ids[0],
        asignadoA: 'marta.tramitadora',
        version: 2,
      });
      expect((await detailAt(ids[0], 2)).asignadoA).toBe('marta.tramitadora');
      const page = async (query: string) =>
        (
          await harness.request(
            'GET',
            `/expedientes?q=${encodeURIComponent(`EXP-${run}`)}&pageSize=100&${query}`,
          )
        ).body.items.map((item: { id: string }) => item.id);
      expect(await page('asignadoA=Marta.Tramitadora')).toEqual([ids[0]]);
      const sinAsignar = await page('sinAsignar=true');
      expect(sinAsignar).toContain(ids[1]);
      expect(sinAsignar).not.toContain(ids[0]);
      // Someone else's is its assignee's to pass on: another tramitador gets 409.
      const ajeno = await harness.request('PUT', `/expedientes/${ids[0]}/assignee`, {
        user: 'luis.tramitador',
        body: { asignadoA: 'luis.tramitador' },
      });
      expect([ajeno.status, ajeno.body.code]).toEqual([409, 'EXPEDIENTE.ASIGNADO_A_OTRO']);
    });

    it('lists the expedientes whose comments mention a user', async () => {
      const ids = [(await open()).expedienteId, (await open()).expedienteId];
      const comentado = await harness.request('POST', `/expedientes/${ids[0]}/comments`, {
        body: { texto: 'Para @Marta.Validadora y @luis.t' },
      });
      expect(comentado.status).toBe(201);
      await detailAt(ids[0], 2);
      const mencionan = async (username: string) =>
        (
          await harness.request(
            'GET',
            `/expedientes?q=${encodeURIComponent(`EXP-${run}`)}&pageSize=100&mencionado=${username}`,
          )
        ).body.items.map((item: { id: string }) => item.id);
      expect(await mencionan('marta.validadora')).toEqual([ids[0]]);
      expect(await mencionan('luis.t')).toEqual([ids[0]]);
      expect(await mencionan('nadie.mas')).toEqual([]);
    });

    it('rejects the creation when documents refuses, and frees the code', async () => {
      const codigo = newCodigo();
      const cooperative = harness.participants.answer;
      harness.participants.answer = (command: Envelope) =>
        command.type === 'documents.RegisterDocuments'
          ? {
              type: 'documents.DocumentsRegistrationFailed',
              payload: {
                code: 'DOCUMENTS.NOT_FOUND',
                reason: 'No existe el documento perdido',
                documentIds: ['perdido'],
              },
            }
          : cooperative(command);
      const refused = await harness.request('POST', '/expedientes', {
        body: { codigo, opcionInicial: 'SEDE_ELECTRONICA', documentIds: ['perdido'] },
      });
      harness.participants.answer = cooperative;

      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({
        code: 'DOCUMENTS.NOT_FOUND',
        detail: 'No se pudo crear el expediente: No existe el documento perdido',
      });
      const rejected = await detailAt(refused.body.details.expedienteId, 1);
      expect(rejected).toMatchObject({
        estado: 'creacion_rechazada',
        rechazo: { causa: 'DOCUMENTS.NOT_FOUND', motivo: 'No existe el documento perdido' },
      });
      await open(codigo);
    });

    it('moves through the phases of the procedure, refusals coming back with bpm’s reason', async () => {
      const { expedienteId: id } = await open();
      const advanced = await transition(id, 'ANALISIS_TECNICO');
      expect(advanced.status).toBe(200);
      expect(advanced.body).toMatchObject({
        desde: { codigo: 'INICIAL' },
        hacia: { codigo: 'ANALISIS_TECNICO', nombre: 'Fase de análisis técnico' },
        estado: 'abierto',
        version: 2,
      });

      const notAllowed = await transition(id, 'FINALIZADO');
      expect(notAllowed.status).toBe(422);
      expect(notAllowed.body).toMatchObject({
        code: 'BPM.TRANSITION_NOT_ALLOWED',
        detail: expect.stringContaining('No se puede pasar de ANALISIS_TECNICO a FINALIZADO'),
      });
      expect((await transition(id, 'VALIDACION')).status).toBe(200);
      const wrongRole = await transition(id, 'FINALIZADO', 'tramitador');
      expect(wrongRole.status).toBe(422);
      expect(wrongRole.body.code).toBe('BPM.ROLE_NOT_ALLOWED');
      const finished = await transition(id, 'FINALIZADO', 'validador');
      expect(finished.body).toMatchObject({ estado: 'finalizado', version: 4 });

      const closed = await transition(id, 'RECHAZADO', 'validador');
      expect(closed.status).toBe(422);
      expect(closed.body.code).toBe('EXPEDIENTE.ESTADO_NO_PERMITE');
      const detail = await detailAt(id, 4);
      expect(detail.estado).toBe('finalizado');
      expect(
        detail.historialDeFases.map((paso: { fase: { codigo: string }; salidaPor: string }) => [
          paso.fase.codigo,
          paso.salidaPor,
        ]),
      ).toEqual([
        ['INICIAL', 'tramitador-1'],
        ['ANALISIS_TECNICO', 'tramitador-1'],
        ['VALIDACION', 'validador-1'],
        ['FINALIZADO', null],
      ]);
    });

    it('refuses a code in use, also to two requests racing for it', async () => {
      const codigo = newCodigo();
      await open(codigo);
      const again = await harness.request('POST', '/expedientes', {
        body: {
          codigo: codigo.toLowerCase(),
          opcionInicial: 'SEDE_ELECTRONICA',
          documentIds: ['d'],
        },
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('EXPEDIENTE.CODIGO_DUPLICADO');

      const racing = newCodigo();
      const answers = await Promise.all(
        [1, 2, 3].map(() =>
          harness.request('POST', '/expedientes', {
            body: { codigo: racing, opcionInicial: 'SEDE_ELECTRONICA', documentIds: ['d'] },
          }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
    });

    it('edits the description of the version the user saw', async () => {
      const { expedienteId: id } = await open();
      const seen = await detailAt(id, 1);
      const edited = await harness.request('PATCH', `/expedientes/${id}`, {
        headers: { 'if-match': '"1"' },
        body: { descripcion: 'Descripción corregida' },
      });
      expect(edited.status).toBe(200);
      expect(edited.headers.get('etag')).toBe('"2"');
      const stale = await harness.request('PATCH', `/expedientes/${id}`, {
        body: { descripcion: 'Otra', expectedVersion: seen.version },
      });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('EXPEDIENTE.VERSION_OBSOLETA');
      const unversioned = await harness.request('PATCH', `/expedientes/${id}`, {
        body: { descripcion: 'Otra' },
      });
      expect(unversioned.status).toBe(400);
      expect((await detailAt(id, 2)).descripcion).toBe('Descripción corregida');
    });

    it('adds documents and records the new versions documents announces', async () => {
      const { expedienteId: id } = await open();
      const added = await harness.request('POST', `/expedientes/${id}/documents`, {
        body: { documentId: 'anexo' },
      });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ documento: { documentId: 'anexo' }, version: 2 });

      const subido = new EnvelopeFactory(randomUUID).create({
        type: documents.DocumentoSubido.type,
        key: id,
        actor: { userId: 'luis', roles: ['tramitador'] },
        payload: {
          expedienteId: id,
          documento: DocumentoMother.of('doc-1', {
            version: 2,
            subidoPor: 'luis',
            subidoAt: '2030-05-01T10:00:00.000Z',
          }),
        },
      });
      await harness.bus.publish(topics.events('documents'), [subido, subido]);
      const detail = await detailAt(id, 3);
      expect(
        detail.documentos.find((d: { documentId: string }) => d.documentId === 'doc-1'),
      ).toMatchObject({ version: 2, actualizadoPor: 'luis', subidoPor: 'ana.tramitadora' });
    });

    it('shows the whole history and the expediente as it stood at an instant', async () => {
      const { expedienteId: id } = await open();
      await detailAt(id, 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const between = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await transition(id, 'ANALISIS_TECNICO');
      await harness.request('PATCH', `/expedientes/${id}`, {
        body: { descripcion: 'Cambiada', expectedVersion: 2 },
      });

      const history = await harness.request('GET', `/expedientes/${id}/history`, { as: 'admin' });
      expect(history.status).toBe(200);
      expect(
        history.body.entradas.map((e: { tipo: string; usuario: string }) => [e.tipo, e.usuario]),
      ).toEqual([
        ['solicitado', 'tramitador-1'],
        ['abierto', 'tramitador-1'],
        ['fase-cambiada', 'tramitador-1'],
        ['descripcion-editada', 'tramitador-1'],
      ]);
      const then = await detailOf(id, `?asOf=${encodeURIComponent(between)}`);
      expect(then.status).toBe(200);
      expect(then.body).toMatchObject({ fase: { codigo: 'INICIAL' }, version: 1 });
      expect(then.body.descripcion).not.toBe('Cambiada');
      expect((await detailOf(id, '?asOf=2000-01-01T00:00:00Z')).status).toBe(404);
      expect((await detailOf(id, '?asOf=ayer')).status).toBe(400);
    });

    it('publishes its integration events on expedientes.events', async () => {
      const seen: Envelope[] = [];
      const consumer = await harness.bus.subscribe({
        group: `test.expedientes-events.${randomUUID()}`,
        topics: [topics.events('expedientes')],
        handler: async (message) => {
          seen.push(message);
        },
      });
      try {
        const { expedienteId: id } = await open();
        await eventually(() =>
          expect(seen.filter((m) => m.key === id).map((m) => m.type)).toEqual([
            'expedientes.expediente.solicitado',
            'expedientes.expediente.abierto',
          ]),
        );
        const abierto = seen.find((m) => m.key === id && m.type.endsWith('abierto'));
        expect(abierto?.payload).toMatchObject({ expedienteId: id, fase: { codigo: 'INICIAL' } });
        expect(abierto?.actor.userId).toBe('tramitador-1');
      } finally {
        await consumer.stop();
      }
    });

    it('rebuilds the read models from the history as the live projection built them', async () => {
      const { expedienteId: id } = await open();
      await transition(id, 'ANALISIS_TECNICO');
      const live = await detailAt(id, 2);
      // This run's expedientes: a shared server may hold others' events, which a rebuild adds.
      const listOfRun = `/expedientes?q=${encodeURIComponent(`EXP-${run}`)}&pageSize=100&sort=codigo`;
      // The detail folds events the read model has not projected yet; the list does not, so
      // wait until the live projection has caught up with every expediente of the run.
      const liveList = await eventually(async () => {
        const list = (await harness.request('GET', listOfRun)).body;
        expect(list.total).toBeGreaterThanOrEqual(1);
        for (const item of list.items) {
          expect(item.version).toBe((await detailOf(item.id)).body.version);
        }
        return list;
      });

      expect((await harness.request('POST', '/admin/rebuild-read-models')).status).toBe(403);
      const rebuilt = await harness.request('POST', '/admin/rebuild-read-models', { as: 'admin' });
      expect(rebuilt.status).toBe(200);
      expect(rebuilt.body.eventos).toBeGreaterThanOrEqual(3);

      expect((await detailOf(id)).body).toEqual(live);
      expect((await harness.request('GET', listOfRun)).body).toEqual(liveList);
    });

    it('answers 202 when the saga takes longer, and resumes it after a restart', async () => {
      harness.participants.hold();
      const codigo = newCodigo();
      const accepted = await harness.request('POST', '/expedientes', {
        body: { codigo, opcionInicial: 'SEDE_ELECTRONICA', documentIds: ['lento'] },
      });
      expect(accepted.status).toBe(202);
      const location = accepted.headers.get('location');
      expect(location).toBe(`/sagas/${accepted.body.sagaId}`);
      const running = await harness.request('GET', location as string);
      expect(running.body).toMatchObject({ estado: 'running', fallo: null });
      const { expedienteId } = running.body;
      expect((await detailAt(expedienteId, 0)).estado).toBe('pendiente');

      await harness.restart();
      await harness.participants.release();

      const done = await eventually(async () => {
        const saga = await harness.request('GET', location as string);
        expect(saga.body.estado).toBe('completed');
        return saga.body;
      }, 20_000);
      expect(done.expedienteId).toBe(expedienteId);
      expect((await detailAt(expedienteId, 1)).estado).toBe('abierto');
      // The new process sent the pending command again, with the same id.
      const registers = harness.participants.received.filter(
        (c) => c.key === expedienteId && c.type === 'documents.RegisterDocuments',
      );
      expect(registers.length).toBeGreaterThanOrEqual(2);
      expect(new Set(registers.map((c) => c.id)).size).toBe(1);
    }, 40_000);
  });
}

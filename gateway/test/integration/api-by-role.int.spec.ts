import { createHash } from 'node:crypto';
import { eventually } from '../e2e/support/processes';
import { ApiReply, fileOf, formOf } from '../support/api-client';
import { png } from '../support/images';
import { pdfText } from '../support/pdf-text';
import {
  codigoNuevo,
  GatewayUnderTest,
  Persona,
  personas,
  pdf,
  startGatewayUnderTest,
} from '../support/gateway-under-test';

const STAFF: Persona[] = ['tramitador', 'validador', 'admin'];
const TRAMITAN: Persona[] = ['tramitador', 'admin'];

/**
 * Every endpoint of /api/v1 for each role: what a tramitador, a validador, an admin and a user
 * with no role may do, and what each is refused, with real tokens against the real services.
 */
describe('The API, endpoint by endpoint, for each role', () => {
  let gateway: GatewayUnderTest;
  const as = (persona: Persona) => gateway.tokens[persona];

  const abrir = (persona: Persona, files: File[], codigo = codigoNuevo()) =>
    gateway.api.request('/expedientes', {
      token: as(persona),
      form: formOf(
        { codigo, opcionInicial: 'SEDE_ELECTRONICA', descripcion: `Licencia ${codigo}` },
        files,
      ),
    });

  /** The detail once its read model has caught up with `ready`. */
  const detalle = (id: string, ready: (body: any) => boolean = () => true) =>
    eventually(async () => {
      const reply = await gateway.api.request(`/expedientes/${id}`, { token: as('admin') });
      return reply.status === 200 && ready(reply.body) ? reply : undefined;
    }, `the detail of ${id}`);

  const expectForbidden = (reply: ApiReply) => {
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  };

  const contents = [pdf(20_000), pdf(30_000)];
  let expediente: { id: string; codigo: string; palabra: string; documentIds: string[] };

  beforeAll(async () => {
    gateway = await startGatewayUnderTest();
    const codigo = codigoNuevo('ROL');
    const opened = await abrir(
      'tramitador',
      [fileOf(contents[0], 'informe técnico.pdf'), fileOf(contents[1], 'plano.pdf')],
      codigo,
    );
    expect(opened.status).toBe(201);
    const id = opened.body.expedienteId;
    const { body } = await detalle(id, (detail) => detail.documentos.length === 2);
    expediente = {
      id,
      codigo,
      palabra: `licencia`,
      documentIds: body.documentos.map((documento: any) => documento.documentId),
    };
  });

  afterAll(() => gateway?.stop());

  describe('POST /expedientes (multipart: fields and files)', () => {
    it.each(TRAMITAN)('opens an expediente with its documents for a %s: 201', async (persona) => {
      const codigo = codigoNuevo();
      const reply = await abrir(
        persona,
        [fileOf(pdf(), 'solicitud.pdf'), fileOf(pdf(), 'anexo.pdf')],
        codigo,
      );
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({
        codigo,
        estado: 'abierto',
        fase: { codigo: 'INICIAL', nombre: 'Fase inicial' },
        version: expect.any(Number),
      });
      expect(reply.headers.get('location')).toBe(`/api/v1/expedientes/${reply.body.expedienteId}`);
      const { body } = await detalle(
        reply.body.expedienteId,
        (detail) => detail.documentos.length === 2,
      );
      expect(body).toMatchObject({
        codigo,
        creadoPor: personas[persona].userId,
        opcionInicial: 'SEDE_ELECTRONICA',
      });
      expect(body.documentos.map((documento: any) => documento.nombre).sort()).toEqual([
        'anexo.pdf',
        'solicitud.pdf',
      ]);
    });

    it.each(['validador', 'sinRol'] as Persona[])('refuses a %s: 403', async (persona) => {
      expectForbidden(await abrir(persona, [fileOf(pdf(), 'x.pdf')]));
    });
  });

  describe('GET /expedientes', () => {
    it.each(STAFF)('lists, filters and pages for a %s: 200', async (persona) => {
      const found = await gateway.api.request(
        `/expedientes?q=${expediente.codigo}&estado=abierto`,
        {
          token: as(persona),
        },
      );
      expect(found.status).toBe(200);
      expect(found.body.items.map((item: any) => item.codigo)).toEqual([expediente.codigo]);
      const page = await gateway.api.request(
        '/expedientes?pageSize=1&page=1&sort=codigo&order=asc',
        {
          token: as(persona),
        },
      );
      expect(page.body).toMatchObject({ page: 1, pageSize: 1 });
      expect(page.body.items).toHaveLength(1);
      expect(page.body.total).toBeGreaterThanOrEqual(2);
    });

    it('refuses a user with no role: 403', async () => {
      expectForbidden(await gateway.api.request('/expedientes', { token: as('sinRol') }));
    });
  });

  describe('GET /expedientes/{id}', () => {
    it.each(STAFF)('shows the detail with its ETag for a %s: 200', async (persona) => {
      const reply = await gateway.api.request(`/expedientes/${expediente.id}`, {
        token: as(persona),
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        id: expediente.id,
        codigo: expediente.codigo,
        estado: 'abierto',
      });
      expect(reply.headers.get('etag')).toBe(`"${reply.body.version}"`);
    });

    it('shows it as it stood at an instant (asOf), without an ETag', async () => {
      const reply = await gateway.api.request(
        `/expedientes/${expediente.id}?asOf=${encodeURIComponent(new Date().toISOString())}`,
        { token: as('validador') },
      );
      expect(reply.status).toBe(200);
      expect(reply.body.codigo).toBe(expediente.codigo);
      expect(reply.headers.get('etag')).toBeNull();
    });

    it('refuses a user with no role: 403', async () => {
      expectForbidden(
        await gateway.api.request(`/expedientes/${expediente.id}`, { token: as('sinRol') }),
      );
    });
  });

  describe('PATCH /expedientes/{id}', () => {
    it.each(TRAMITAN)(
      'edits the description for a %s, naming the version: 200',
      async (persona) => {
        const before = await gateway.api.request(`/expedientes/${expediente.id}`, {
          token: as(persona),
        });
        const descripcion = `Editada por ${persona}`;
        const reply = await gateway.api.request(`/expedientes/${expediente.id}`, {
          method: 'PATCH',
          token: as(persona),
          headers: { 'if-match': before.headers.get('etag') as string },
          json: { descripcion },
        });
        expect(reply.status).toBe(200);
        expect(reply.body).toEqual({
          expedienteId: expediente.id,
          descripcion,
          version: before.body.version + 1,
        });
        expect(reply.headers.get('etag')).toBe(`"${before.body.version + 1}"`);
        await detalle(expediente.id, (detail) => detail.descripcion === descripcion);
      },
    );

    it('takes the version in the body as well (expectedVersion)', async () => {
      const { body } = await detalle(expediente.id);
      const reply = await gateway.api.request(`/expedientes/${expediente.id}`, {
        method: 'PATCH',
        token: as('admin'),
        json: { descripcion: 'Con expectedVersion', expectedVersion: body.version },
      });
      expect(reply.status).toBe(200);
    });

    it.each(['validador', 'sinRol'] as Persona[])('refuses a %s: 403', async (persona) => {
      expectForbidden(
        await gateway.api.request(`/expedientes/${expediente.id}`, {
          method: 'PATCH',
          token: as(persona),
          json: { descripcion: 'no', expectedVersion: 1 },
        }),
      );
    });
  });

  describe('PUT /expedientes/{id}/assignee and the list filters', () => {
    it('lets anyone with a role take it, only its assignee or an admin pass it on, and filters by it', async () => {
      const path = `/expedientes/${expediente.id}/assignee`;
      const assign = (persona: Persona, asignadoA: string | null) =>
        gateway.api.request(path, { method: 'PUT', token: as(persona), json: { asignadoA } });
      const tomado = await assign('validador', personas.validador.userId);
      expect(tomado.status).toBe(200);
      expect(tomado.body).toMatchObject({
        expedienteId: expediente.id,
        asignadoA: personas.validador.userId,
      });
      const ajeno = await assign('tramitador', personas.tramitador.userId);
      expect([ajeno.status, ajeno.body.code]).toEqual([409, 'EXPEDIENTE.ASIGNADO_A_OTRO']);
      const list = (query: string) =>
        gateway.api.request(`/expedientes?q=${expediente.codigo}&${query}`, { token: as('admin') });
      const suyos = await eventually(async () => {
        const reply = await list(`asignadoA=${personas.validador.userId}`);
        return reply.body.total === 1 ? reply.body : undefined;
      }, 'the list row assigned');
      expect(suyos.items[0]).toMatchObject({
        id: expediente.id,
        asignadoA: personas.validador.userId,
      });
      expect((await list('sinAsignar=true')).body.total).toBe(0);
      const liberado = await assign('admin', null);
      expect(liberado.body.asignadoA).toBeNull();
      const detail = await detalle(expediente.id, (body) => body.asignadoA === null);
      expect(detail.body.version).toBe(liberado.body.version);
      expectForbidden(await assign('sinRol', null));
    });
  });

  describe('POST /expedientes/{id}/comments', () => {
    it.each(STAFF)(
      'keeps a %s’s comment, shown in the detail and the history: 201',
      async (persona) => {
        const texto = `Revisado por ${persona}.\nAviso a @ana.tramitadora`;
        const reply = await gateway.api.request(`/expedientes/${expediente.id}/comments`, {
          method: 'POST',
          token: as(persona),
          json: { texto },
        });
        expect(reply.status).toBe(201);
        expect(reply.body).toMatchObject({
          expedienteId: expediente.id,
          texto,
          menciones: ['ana.tramitadora'],
          por: personas[persona].userId,
        });
        const { body } = await detalle(expediente.id, (detail) =>
          detail.comentarios.some((each: any) => each.version === reply.body.version),
        );
        expect(body.comentarios.at(-1)).toEqual({
          version: reply.body.version,
          texto,
          menciones: ['ana.tramitadora'],
          por: personas[persona].userId,
          at: reply.body.at,
        });
        const history = await gateway.api.request(`/expedientes/${expediente.id}/history`, {
          token: as(persona),
        });
        expect(history.body.entradas.at(-1)).toMatchObject({
          tipo: 'comentario-anadido',
          version: reply.body.version,
        });
      },
    );

    it('refuses an empty comment (400) and one from a user with no role (403)', async () => {
      const path = `/expedientes/${expediente.id}/comments`;
      const empty = await gateway.api.request(path, {
        method: 'POST',
        token: as('validador'),
        json: { texto: '  ' },
      });
      expect(empty.status).toBe(400);
      expect(empty.body.code).toBe('EXPEDIENTE.COMENTARIO_INVALIDO');
      expectForbidden(
        await gateway.api.request(path, {
          method: 'POST',
          token: as('sinRol'),
          json: { texto: 'x' },
        }),
      );
    });
  });

  describe('GET /expedientes/{id}/record.pdf', () => {
    it.each(STAFF)('gives a %s the whole record as a PDF: 200', async (persona) => {
      const reply = await gateway.api.request(`/expedientes/${expediente.id}/record.pdf`, {
        token: as(persona),
      });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/pdf');
      expect(reply.headers.get('content-disposition')).toBe(
        `attachment; filename="expediente-${expediente.codigo}.pdf"`,
      );
      expect(reply.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const text = pdfText(reply.bytes);
      const { body } = await detalle(expediente.id);
      expect(text).toContain(`Expediente ${expediente.codigo}`);
      for (const section of ['Datos', 'Historial de fases', 'Documentos', 'Comentarios'])
        expect(text).toContain(section);
      expect(text).toContain(body.fase.nombre);
      // Every version of every document, with its hash.
      for (const documento of body.documentos)
        for (const version of documento.versiones) expect(text).toContain(version.sha256);
    });

    it('refuses a user with no role (403) and answers 404 for an unknown expediente', async () => {
      expectForbidden(
        await gateway.api.request(`/expedientes/${expediente.id}/record.pdf`, {
          token: as('sinRol'),
        }),
      );
      const missing = await gateway.api.request('/expedientes/no-existe/record.pdf', {
        token: as('admin'),
      });
      expect(missing.status).toBe(404);
    });
  });

  describe('GET /expedientes.csv', () => {
    it.each(STAFF)(
      'exports the filtered list for a %s as CSV for spreadsheets: 200',
      async (persona) => {
        const reply = await gateway.api.request(`/expedientes.csv?q=${expediente.codigo}`, {
          token: as(persona),
        });
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(reply.headers.get('content-disposition')).toMatch(
          /^attachment; filename="expedientes-\d{4}-\d{2}-\d{2}\.csv"$/,
        );
        expect([...reply.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const lines = reply.body.replace(/^\uFEFF/, '').split('\r\n');
        expect(lines[0].split(';')).toEqual([
          'Código',
          'Opción inicial',
          'Descripción',
          'Estado',
          'Fase',
          'Creado',
          'Creado por',
          'Actualizado',
          'Asignado a',
          'Vence el',
          'Plazo',
        ]);
        const { body } = await detalle(expediente.id);
        expect(lines.slice(1, -1)).toHaveLength(1);
        expect(lines[1].split(';').slice(0, 5)).toEqual([
          expediente.codigo,
          'Sede electrónica',
          body.descripcion,
          'Abierto',
          body.fase.nombre,
        ]);
      },
    );

    it('refuses a user with no role (403) and a filter it does not know (400)', async () => {
      expectForbidden(await gateway.api.request('/expedientes.csv', { token: as('sinRol') }));
      const wrong = await gateway.api.request('/expedientes.csv?estado=perdido', {
        token: as('admin'),
      });
      expect(wrong.status).toBe(400);
    });
  });

  describe('GET /expedientes/{id}/history', () => {
    it.each(STAFF)('shows every change for a %s: 200', async (persona) => {
      const reply = await gateway.api.request(`/expedientes/${expediente.id}/history`, {
        token: as(persona),
      });
      expect(reply.status).toBe(200);
      expect(reply.body.expedienteId).toBe(expediente.id);
      const tipos = reply.body.entradas.map((entrada: any) => entrada.tipo);
      expect(tipos.slice(0, 2)).toEqual(['solicitado', 'abierto']);
      expect(reply.body.entradas[0]).toMatchObject({
        usuario: 'ana.tramitadora',
        roles: ['tramitador'],
      });
    });

    it('refuses a user with no role: 403', async () => {
      expectForbidden(
        await gateway.api.request(`/expedientes/${expediente.id}/history`, { token: as('sinRol') }),
      );
    });
  });

  describe('GET /expedientes/{id}/transitions', () => {
    it.each([
      ['tramitador', ['ANALISIS_TECNICO']],
      ['validador', []],
      ['admin', ['ANALISIS_TECNICO']],
    ] as Array<[Persona, string[]]>)(
      'tells a %s the phases they may move it to: 200 %j',
      async (persona, codigos) => {
        const reply = await gateway.api.request(`/expedientes/${expediente.id}/transitions`, {
          token: as(persona),
        });
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({
          expedienteId: expediente.id,
          faseActual: { codigo: 'INICIAL' },
        });
        expect(reply.body.transicionesDisponibles.map((fase: any) => fase.codigo)).toEqual(codigos);
      },
    );

    it('refuses a user with no role: 403', async () => {
      expectForbidden(
        await gateway.api.request(`/expedientes/${expediente.id}/transitions`, {
          token: as('sinRol'),
        }),
      );
    });
  });

  describe('POST /expedientes/{id}/transitions and GET /sagas/{sagaId}', () => {
    let id = '';
    let refusedSaga = '';
    const advance = (persona: Persona, hacia: string) =>
      gateway.api.request(`/expedientes/${id}/transitions`, {
        token: as(persona),
        json: { hacia },
      });

    beforeAll(async () => {
      id = (await abrir('tramitador', [fileOf(pdf(), 'fases.pdf')])).body.expedienteId;
    });

    it('lets the procedure refuse a validador the move a tramitador makes: 422 with the reason', async () => {
      const reply = await advance('validador', 'ANALISIS_TECNICO');
      expect(reply.status).toBe(422);
      expect(reply.body.detail).toMatch(/tramitador/);
      refusedSaga = reply.body.details.sagaId;
      expect(refusedSaga).toEqual(expect.any(String));
    });

    it('moves it for each role the procedure allows: 200', async () => {
      const steps: Array<[Persona, string, string]> = [
        ['tramitador', 'INICIAL', 'ANALISIS_TECNICO'],
        ['admin', 'ANALISIS_TECNICO', 'VALIDACION'],
        ['validador', 'VALIDACION', 'FINALIZADO'],
      ];
      for (const [persona, desde, hacia] of steps) {
        const reply = await advance(persona, hacia);
        expect({ persona, status: reply.status }).toEqual({ persona, status: 200 });
        expect(reply.body).toMatchObject({
          expedienteId: id,
          desde: { codigo: desde },
          hacia: { codigo: hacia },
        });
      }
      const { body } = await detalle(id, (detail) => detail.estado === 'finalizado');
      expect(body.historialDeFases.map((paso: any) => paso.fase.codigo)).toEqual([
        'INICIAL',
        'ANALISIS_TECNICO',
        'VALIDACION',
        'FINALIZADO',
      ]);
    });

    it("refuses a new version of a finished expediente's document: 422, the bytes kept", async () => {
      const { body } = await detalle(id, (detail) => detail.estado === 'finalizado');
      const [documento] = body.documentos;
      const reply = await gateway.api.request(
        `/expedientes/${id}/documents/${documento.documentId}/versions`,
        { token: as('tramitador'), form: formOf({}, [fileOf(pdf(), 'tarde.pdf')], 'file') },
      );
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe('API.EXPEDIENTE_CERRADO');
      const now = await gateway.api.request(`/documents/${documento.documentId}/content`, {
        token: as('validador'),
      });
      expect(now.headers.get('etag')).toBe(`"${documento.sha256}"`);
    });

    it('refuses a user with no role: 403', async () => {
      expectForbidden(await advance('sinRol', 'RECHAZADO'));
    });

    it.each(STAFF)('shows a %s how a saga ended: 200', async (persona) => {
      const reply = await gateway.api.request(`/sagas/${refusedSaga}`, { token: as(persona) });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ sagaId: refusedSaga, expedienteId: id });
      expect(['failed', 'compensated']).toContain(reply.body.estado);
      expect(reply.body.fallo.message).toMatch(/tramitador/);
    });

    it('refuses the saga to a user with no role: 403', async () => {
      expectForbidden(await gateway.api.request(`/sagas/${refusedSaga}`, { token: as('sinRol') }));
    });
  });

  describe('POST /expedientes/{id}/documents (multipart: one file)', () => {
    it.each(TRAMITAN)('adds a new document for a %s: 201', async (persona) => {
      const nombre = `anexo de ${persona}.pdf`;
      const reply = await gateway.api.request(`/expedientes/${expediente.id}/documents`, {
        token: as(persona),
        form: formOf({}, [fileOf(pdf(), nombre)], 'file'),
      });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({
        expedienteId: expediente.id,
        documento: { nombre, version: 1, subidoPor: personas[persona].userId },
      });
      await detalle(expediente.id, (detail) =>
        detail.documentos.some((documento: any) => documento.nombre === nombre),
      );
    });

    it.each(['validador', 'sinRol'] as Persona[])('refuses a %s: 403', async (persona) => {
      expectForbidden(
        await gateway.api.request(`/expedientes/${expediente.id}/documents`, {
          token: as(persona),
          form: formOf({}, [fileOf(pdf(), 'x.pdf')], 'file'),
        }),
      );
    });
  });

  describe('POST /expedientes/{id}/documents/{documentId}/versions (multipart: one file)', () => {
    const versions: Buffer[] = [];
    const upload = (persona: Persona, bytes: Buffer, nombre = 'informe técnico v2.pdf') =>
      gateway.api.request(
        `/expedientes/${expediente.id}/documents/${expediente.documentIds[0]}/versions`,
        { token: as(persona), form: formOf({}, [fileOf(bytes, nombre)], 'file') },
      );

    it.each(TRAMITAN)(
      'stores a new version for a %s: 201, the earlier ones kept',
      async (persona) => {
        const bytes = pdf(12_000);
        const reply = await upload(persona, bytes);
        expect(reply.status).toBe(201);
        versions.push(bytes);
        expect(reply.body).toMatchObject({
          documentId: expediente.documentIds[0],
          expedienteId: expediente.id,
          version: versions.length + 1,
          nombre: 'informe técnico v2.pdf',
          actualizadoPor: personas[persona].userId,
        });
        expect(reply.body.versiones).toHaveLength(versions.length + 1);
        expect(reply.headers.get('location')).toBe(
          `/api/v1/documents/${expediente.documentIds[0]}/content?version=${versions.length + 1}`,
        );
        const download = await gateway.api.request(
          reply.headers.get('location')!.replace('/api/v1', ''),
          {
            token: as('validador'),
          },
        );
        expect(download.bytes.equals(bytes)).toBe(true);
      },
    );

    it.each(['validador', 'sinRol'] as Persona[])('refuses a %s: 403', async (persona) => {
      expectForbidden(await upload(persona, pdf()));
    });
  });

  describe('GET /documents/{documentId}', () => {
    it.each(STAFF)(
      'lists every version, who, when, size and hash, for a %s: 200',
      async (persona) => {
        const documentId = expediente.documentIds[0];
        const reply = await gateway.api.request(`/documents/${documentId}`, { token: as(persona) });
        expect(reply.status).toBe(200);
        const versiones = reply.body.versiones as Array<Record<string, unknown>>;
        // The first upload, then one per persona that may upload (the section above).
        expect(versiones.map((each) => each.version)).toEqual(
          Array.from({ length: versiones.length }, (_, index) => index + 1),
        );
        expect(versiones.length).toBeGreaterThanOrEqual(2);
        for (const version of versiones) {
          const content = await gateway.api.request(
            `/documents/${documentId}/content?version=${version.version}`,
            { token: as(persona) },
          );
          expect({
            size: content.bytes.length,
            sha256: createHash('sha256').update(content.bytes).digest('hex'),
          }).toEqual({ size: version.size, sha256: version.sha256 });
          expect(typeof version.subidoPor).toBe('string');
          expect(Number.isNaN(Date.parse(version.subidoAt as string))).toBe(false);
        }
        expect(reply.body).toMatchObject({ documentId, expedienteId: expediente.id });
      },
    );

    it('refuses a user with no role: 403, and answers 404 for an unknown document', async () => {
      const path = `/documents/${expediente.documentIds[0]}`;
      expectForbidden(await gateway.api.request(path, { token: as('sinRol') }));
      const missing = await gateway.api.request('/documents/no-existe', { token: as('admin') });
      expect(missing.status).toBe(404);
    });
  });

  describe('GET /documents/{documentId}/content', () => {
    it.each(STAFF)('downloads the bytes as uploaded for a %s: 200, then 304', async (persona) => {
      const documentId = expediente.documentIds[1];
      const reply = await gateway.api.request(`/documents/${documentId}/content?version=1`, {
        token: as(persona),
      });
      expect(reply.status).toBe(200);
      expect(reply.bytes.equals(contents[1])).toBe(true);
      expect(reply.headers.get('content-type')).toBe('application/pdf');
      expect(reply.headers.get('content-length')).toBe(String(contents[1].length));
      expect(reply.headers.get('content-disposition')).toMatch(/^attachment; filename="plano.pdf"/);
      const etag = reply.headers.get('etag') as string;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      const again = await gateway.api.request(`/documents/${documentId}/content?version=1`, {
        token: as(persona),
        headers: { 'if-none-match': etag },
      });
      expect(again.status).toBe(304);
      expect(again.bytes).toHaveLength(0);
    });

    it('refuses a user with no role: 403', async () => {
      expectForbidden(
        await gateway.api.request(`/documents/${expediente.documentIds[1]}/content`, {
          token: as('sinRol'),
        }),
      );
    });
  });

  describe('GET /documents/{documentId}/preview', () => {
    const SANDBOXED = /^sandbox; default-src 'none';/;
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    /** Each file as its uploader declared it; what the preview serves comes from its bytes. */
    const subidos = {
      pdf: fileOf(pdf(), 'plano.pdf'),
      png: fileOf(png(), 'fachada.png', 'image/png'),
      texto: fileOf(Buffer.from('Acta de la visita: todo en orden ✓\n'), 'acta.txt', 'text/plain'),
      svg: fileOf(Buffer.from(svg), 'plano.svg', 'image/svg+xml'),
      html: fileOf(Buffer.from('<script>alert(1)</script>'), 'foto.png', 'image/png'),
      xml: fileOf(Buffer.from(`<?xml version="1.0"?>${svg}`), 'alzado.png', 'image/png'),
      binario: fileOf(Buffer.from([0, 1, 2, 0xfe, 0xff]), 'foto.jpg', 'image/jpeg'),
    };
    const ids: Partial<Record<keyof typeof subidos, string>> = {};
    const preview = (cual: keyof typeof subidos, persona: Persona = 'validador') =>
      gateway.api.request(`/documents/${ids[cual]}/preview`, { token: as(persona) });

    beforeAll(async () => {
      const opened = await abrir('tramitador', Object.values(subidos));
      expect(opened.status).toBe(201);
      const { body } = await detalle(
        opened.body.expedienteId,
        (detail) => detail.documentos.length === Object.keys(subidos).length,
      );
      for (const [cual, file] of Object.entries(subidos)) {
        ids[cual as keyof typeof subidos] = body.documentos.find(
          (documento: any) => documento.nombre === file.name,
        ).documentId;
      }
    });

    it.each(STAFF)(
      'shows a PDF inline to a %s, under a policy without scripts nor sandbox',
      async (persona) => {
        const reply = await preview('pdf', persona);
        expect(reply.status).toBe(200);
        expect(reply.bytes.subarray(0, 5).toString()).toBe('%PDF-');
        expect(reply.headers.get('content-type')).toBe('application/pdf');
        expect(reply.headers.get('content-disposition')).toMatch(/^inline; filename="plano.pdf"/);
        expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
        const policy = reply.headers.get('content-security-policy');
        expect(policy).toMatch(/^default-src 'none'; object-src 'self';/);
        expect(policy).not.toMatch(/sandbox|script-src/);
      },
    );

    it.each([
      ['a PNG', 'png', 'image/png'],
      ['UTF-8 text', 'texto', 'text/plain; charset=utf-8'],
    ] as const)('shows %s inline, sandboxed', async (_what, cual, contentType) => {
      const reply = await preview(cual);
      expect(reply.status).toBe(200);
      expect(reply.bytes.equals(Buffer.from(await subidos[cual].arrayBuffer()))).toBe(true);
      expect(reply.headers.get('content-type')).toBe(contentType);
      expect(reply.headers.get('content-disposition')).toMatch(/^inline; /);
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('content-security-policy')).toMatch(SANDBOXED);
      expect(reply.headers.get('content-security-policy')).not.toMatch(/script-src/);
    });

    it.each([
      ['SVG declared as image/svg+xml', 'svg'],
      ['HTML declared as image/png', 'html'],
    ] as const)('never renders markup: %s is only its text, sandboxed', async (_what, cual) => {
      const reply = await preview(cual);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('content-security-policy')).toMatch(SANDBOXED);
    });

    it.each([
      ['XML (an SVG with its prolog) declared as image/png', 'xml', 'application/xml'],
      ['bytes of no known kind declared as image/jpeg', 'binario', 'application/octet-stream'],
    ] as const)('refuses to show %s: 409, download it', async (_what, cual, mediaType) => {
      const reply = await preview(cual);
      expect(reply.status).toBe(409);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.body).toMatchObject({
        code: 'API.DOCUMENTO_NO_PREVISUALIZABLE',
        details: { mediaType },
      });
      const download = await gateway.api.request(`/documents/${ids[cual]}/content`, {
        token: as('validador'),
      });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toMatch(/^attachment; /);
    });

    it('answers 304 to the ETag it gave, and 404 for a version the document lacks', async () => {
      const first = await preview('png');
      const again = await gateway.api.request(`/documents/${ids.png}/preview`, {
        token: as('validador'),
        headers: { 'if-none-match': first.headers.get('etag') as string },
      });
      expect(again.status).toBe(304);
      const missing = await gateway.api.request(`/documents/${ids.png}/preview?version=2`, {
        token: as('validador'),
      });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('DOCUMENTS.VERSION_NOT_FOUND');
    });
  });

  describe('GET /search', () => {
    it.each(STAFF)(
      'finds the expediente by its words and filters for a %s: 200',
      async (persona) => {
        const found = await eventually(async () => {
          const reply = await gateway.api.request(
            `/search?q=${encodeURIComponent(expediente.codigo)}&estado=abierto&opcionInicial=SEDE_ELECTRONICA`,
            { token: as(persona) },
          );
          return reply.status === 200 && reply.body.total >= 1 ? reply.body : undefined;
        }, 'the expediente in search');
        expect(found.items[0]).toMatchObject({
          expedienteId: expediente.id,
          codigo: expediente.codigo,
          estado: 'abierto',
        });
        expect(found.items[0].documentos.map((documento: any) => documento.nombre)).toContain(
          'plano.pdf',
        );
      },
    );

    it('lists by filters alone, with no relevance to rank by (score null)', async () => {
      const reply = await gateway.api.request('/search?opcionInicial=SEDE_ELECTRONICA&pageSize=5', {
        token: as('validador'),
      });
      expect(reply.status).toBe(200);
      expect(reply.body.items.length).toBeGreaterThan(0);
      for (const item of reply.body.items) expect(item.score).toBeNull();
    });

    it('speaks the API’s words for a rejected creation (creacion_rechazada)', async () => {
      const reply = await gateway.api.request('/search?estado=creacion_rechazada', {
        token: as('admin'),
      });
      expect(reply.status).toBe(200);
      expect(reply.body.items).toEqual([]);
    });

    it('refuses a user with no role: 403', async () => {
      expectForbidden(await gateway.api.request('/search?q=licencia', { token: as('sinRol') }));
    });
  });

  describe('GET /openapi.json', () => {
    it.each([...STAFF, 'sinRol'] as Persona[])('is served to a %s: 200', async (persona) => {
      const reply = await gateway.api.request('/openapi.json', { token: as(persona) });
      expect(reply.status).toBe(200);
      expect(reply.body.openapi).toBe('3.1.0');
    });
  });
});

import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { silentLogger } from '@expedientes/shared-kernel';
import { JwtIdentityVerifier, ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { httpBackends } from '../../src/adapters/http/http-backends';
import { inProcessTransport } from '../../src/adapters/http/in-process-transport';
import { createGateway } from '../../src/gateway-app';
import { bearerStrategy } from '../../src/security/authentication';
import { eventually } from '../e2e/support/processes';
import { ApiClient, ApiReply, fileOf, formOf } from '../support/api-client';
import {
  codigoNuevo,
  GatewayUnderTest,
  KiB,
  pdf,
  startGatewayUnderTest,
  testSettings,
} from '../support/gateway-under-test';

const MAX_FILE = testSettings.limits.maxFileBytes;

/**
 * Each kind of bad input gets its problem document (application/problem+json with status,
 * title, detail and a code): 400 with the field errors, 404, 405, 409, 413, 415, 422, 429;
 * never a 500 for a client's mistake.
 */
describe('Problems the API answers with', () => {
  let gateway: GatewayUnderTest;
  let token: string;
  let expedienteId: string;
  let codigo: string;
  let documentId: string;

  const api = () => gateway.api;
  const abrir = (fields: Record<string, string>, files: File[]) =>
    api().request('/expedientes', { token, form: formOf(fields, files) });

  const expectProblem = (reply: ApiReply, status: number, code?: string) => {
    expect({ status: reply.status, body: reply.body }).toMatchObject({ status, body: { status } });
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        detail: expect.any(String),
      }),
    );
    if (code) expect(reply.body.code).toBe(code);
  };
  const fieldsOf = (reply: ApiReply): string[] =>
    reply.body.errors.map((error: { field: string }) => error.field).sort();

  beforeAll(async () => {
    gateway = await startGatewayUnderTest();
    token = gateway.tokens.tramitador;
    codigo = codigoNuevo('PRB');
    const opened = await abrir({ codigo, opcionInicial: 'PETICION_DEPARTAMENTO' }, [
      fileOf(pdf(), 'a.pdf'),
    ]);
    expect(opened.status).toBe(201);
    expedienteId = opened.body.expedienteId;
    const detail = await eventually(async () => {
      const reply = await api().request(`/expedientes/${expedienteId}`, { token });
      return reply.status === 200 && reply.body.documentos.length === 1 ? reply.body : undefined;
    }, 'the detail');
    documentId = detail.documentos[0].documentId;
  });

  afterAll(() => gateway?.stop());

  describe('400, with the field errors', () => {
    it('for query parameters out of their range or vocabulary', async () => {
      const reply = await api().request('/expedientes?pageSize=500&estado=raro&page=0', { token });
      expectProblem(reply, 400, 'REQUEST.INVALID');
      expect(fieldsOf(reply)).toEqual(['estado', 'page', 'pageSize']);
      expect(reply.body.errors[0].message).toEqual(expect.any(String));
    });

    it('for an instant that is not one (asOf, desde)', async () => {
      const detail = await api().request(`/expedientes/${expedienteId}?asOf=ayer`, { token });
      expectProblem(detail, 400);
      expect(fieldsOf(detail)).toEqual(['asOf']);
      const search = await api().request('/search?desde=mañana', { token });
      expect(fieldsOf(search)).toEqual(['desde']);
    });

    it('for a JSON body without what it needs', async () => {
      const reply = await api().request(`/expedientes/${expedienteId}/transitions`, {
        token,
        json: {},
      });
      expectProblem(reply, 400);
      expect(fieldsOf(reply)).toEqual(['hacia']);
    });

    it('for every bad part of a request at once (headers and body)', async () => {
      const reply = await api().request(`/expedientes/${expedienteId}`, {
        method: 'PATCH',
        token,
        headers: { 'if-match': 'cualquiera' },
        json: { descripcion: 42 },
      });
      expectProblem(reply, 400);
      expect(fieldsOf(reply)).toEqual(['descripcion', 'if-match']);
    });

    it('for JSON that does not parse', async () => {
      const reply = await api().request(`/expedientes/${expedienteId}/transitions`, {
        token,
        body: '{"hacia": ',
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(reply, 400);
    });

    it('for text that is not UTF-8: a JSON body, a form field, a file name', async () => {
      const latin1 = Buffer.from(
        '{"descripcion": "Licencia de a\xf1o", "expectedVersion": 1}',
        'latin1',
      );
      const json = await api().request(`/expedientes/${expedienteId}`, {
        method: 'PATCH',
        token,
        body: latin1,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(json, 400, 'REQUEST.INVALID_UTF8');

      const boundary = 'frontera';
      const part = (headers: string, content: Buffer) =>
        // Headers byte for byte as written (latin1): \xf1 stays the one byte 0xF1, not UTF-8.
        Buffer.concat([
          Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`, 'latin1'),
          content,
          Buffer.from('\r\n'),
        ]);
      const form = (parts: Buffer[]) =>
        api().request('/expedientes', {
          token,
          body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
      const field = (name: string, value: Buffer) =>
        part(`Content-Disposition: form-data; name="${name}"`, value);
      const fields = [
        field('codigo', Buffer.from(codigoNuevo('UTF'))),
        field('opcionInicial', Buffer.from('PETICION_DEPARTAMENTO')),
      ];
      const badName = await form([
        ...fields,
        part(
          'Content-Disposition: form-data; name="files"; filename="a\xf1o.pdf"\r\nContent-Type: application/pdf',
          pdf(),
        ),
      ]);
      expectProblem(badName, 400);
      expect(fieldsOf(badName)).toEqual(['files']);
      const badField = await form([
        field('codigo', Buffer.from(codigoNuevo('UTF'))),
        field('descripcion', Buffer.from('Licencia de a\xf1o', 'latin1')),
      ]);
      expectProblem(badField, 400);
      expect(fieldsOf(badField)).toEqual(['descripcion']);
    });

    it('for an edit that names no version, a malformed If-Match, or two that disagree', async () => {
      const path = `/expedientes/${expedienteId}`;
      const none = await api().request(path, {
        method: 'PATCH',
        token,
        json: { descripcion: 'x' },
      });
      expectProblem(none, 400);
      expect(fieldsOf(none)).toEqual(['expectedVersion']);
      const malformed = await api().request(path, {
        method: 'PATCH',
        token,
        headers: { 'if-match': '"tres"' },
        json: { descripcion: 'x' },
      });
      expect(fieldsOf(malformed)).toEqual(['if-match']);
      const disagree = await api().request(path, {
        method: 'PATCH',
        token,
        headers: { 'if-match': '"1"' },
        json: { descripcion: 'x', expectedVersion: 2 },
      });
      expect(fieldsOf(disagree)).toEqual(['expectedVersion']);
    });

    it('for a form with bad fields, before its files are read', async () => {
      // The file is over the limit: had it been read, the answer would be a 413.
      const reply = await abrir({ codigo: '', opcionInicial: 'POR_CORREO' }, [
        fileOf(pdf(MAX_FILE + 1), 'a.pdf'),
      ]);
      expectProblem(reply, 400, 'REQUEST.INVALID');
      expect(fieldsOf(reply)).toEqual(['codigo', 'opcionInicial']);
    });

    it('for a form without files, or a field twice', async () => {
      const sinArchivos = await abrir(
        { codigo: codigoNuevo(), opcionInicial: 'SEDE_ELECTRONICA' },
        [],
      );
      expectProblem(sinArchivos, 400);
      expect(fieldsOf(sinArchivos)).toEqual(['files']);
      const form = formOf({ codigo: codigoNuevo(), opcionInicial: 'SEDE_ELECTRONICA' });
      form.append('codigo', 'OTRO');
      form.append('files', fileOf(pdf(), 'a.pdf'));
      const twice = await api().request('/expedientes', { token, form });
      expect(fieldsOf(twice)).toEqual(['codigo']);
    });

    it('for a form with more files than it takes', async () => {
      const files = Array.from({ length: 21 }, (_, index) => fileOf(pdf(1 * KiB), `${index}.pdf`));
      const reply = await abrir(
        { codigo: codigoNuevo(), opcionInicial: 'SEDE_ELECTRONICA' },
        files,
      );
      expectProblem(reply, 400);
      expect(fieldsOf(reply)).toEqual(['files']);
    });

    it('for an empty query value where a value is expected', async () => {
      const reply = await api().request('/expedientes?estado=&fase=', { token });
      expect(fieldsOf(reply)).toEqual(['estado', 'fase']);
    });

    it('for a form whose file is missing', async () => {
      const reply = await api().request(`/expedientes/${expedienteId}/documents`, {
        token,
        form: formOf({ nota: 'sin archivo' }),
      });
      expectProblem(reply, 400);
      expect(fieldsOf(reply)).toEqual(['file']);
    });

    it('for what the expediente itself refuses, passed on from the service', async () => {
      const reply = await abrir({ codigo: 'CON ESPACIOS', opcionInicial: 'SEDE_ELECTRONICA' }, [
        fileOf(pdf(), 'a.pdf'),
      ]);
      expectProblem(reply, 400, 'EXPEDIENTE.CODIGO_INVALIDO');
    });

    it('for a version that is no number', async () => {
      const reply = await api().request(`/documents/${documentId}/content?version=0`, { token });
      expect(fieldsOf(reply)).toEqual(['version']);
    });
  });

  describe('404', () => {
    it.each([
      ['/expedientes/no-existe', 'EXPEDIENTE.NO_ENCONTRADO'],
      ['/expedientes/no-existe/history', 'EXPEDIENTE.NO_ENCONTRADO'],
      ['/expedientes/no-existe/transitions', undefined],
      ['/sagas/no-existe', 'SAGA.NO_ENCONTRADA'],
      ['/documents/no-existe/content', 'DOCUMENTS.NOT_FOUND'],
    ])('for GET %s, passed on from the service', async (path, code) => {
      expectProblem(await api().request(path, { token }), 404, code);
    });

    it('for a version the document does not have', async () => {
      const reply = await api().request(`/documents/${documentId}/content?version=99`, { token });
      expectProblem(reply, 404, 'DOCUMENTS.VERSION_NOT_FOUND');
    });

    it('for a version of a document of another expediente', async () => {
      const other = await abrir({ codigo: codigoNuevo(), opcionInicial: 'SEDE_ELECTRONICA' }, [
        fileOf(pdf(), 'b.pdf'),
      ]);
      const reply = await api().request(
        `/expedientes/${other.body.expedienteId}/documents/${documentId}/versions`,
        { token, form: formOf({}, [fileOf(pdf(), 'v2.pdf')], 'file') },
      );
      expectProblem(reply, 404, 'API.DOCUMENTO_NO_ES_DEL_EXPEDIENTE');
    });

    it('for a document added to an expediente that does not exist', async () => {
      const reply = await api().request('/expedientes/no-existe/documents', {
        token,
        form: formOf({}, [fileOf(pdf(), 'anexo.pdf')], 'file'),
      });
      expectProblem(reply, 404, 'EXPEDIENTE.NO_ENCONTRADO');
    });

    it('for an address that is no route, inside the API and out of it', async () => {
      expectProblem(await api().request('/nada', { token }), 404, 'API.NOT_FOUND');
      // A GET out of it is the web UI's (its client-side routes): see web-ui.int.spec.ts.
      const outside = await new ApiClient(gateway.embedded.url).request('/nada', {
        method: 'POST',
        json: {},
      });
      expectProblem(outside, 404, 'API.NOT_FOUND');
    });
  });

  it('405 with Allow for a method a route does not take', async () => {
    const reply = await api().request('/expedientes', { method: 'DELETE', token });
    expectProblem(reply, 405, 'API.METHOD_NOT_ALLOWED');
    expect(reply.headers.get('allow')).toBe('POST, GET, HEAD');
  });

  describe('409', () => {
    it('for a code that is taken (in any case)', async () => {
      const reply = await abrir(
        { codigo: codigo.toLowerCase(), opcionInicial: 'SEDE_ELECTRONICA' },
        [fileOf(pdf(), 'a.pdf')],
      );
      expectProblem(reply, 409, 'EXPEDIENTE.CODIGO_DUPLICADO');
      expect(reply.body.detail).toContain(codigo);
    });

    it('for an edit of a version that is no longer the current one', async () => {
      const current = await api().request(`/expedientes/${expedienteId}`, { token });
      const etag = current.headers.get('etag') as string;
      const edit = (descripcion: string) =>
        api().request(`/expedientes/${expedienteId}`, {
          method: 'PATCH',
          token,
          headers: { 'if-match': etag },
          json: { descripcion },
        });
      expect((await edit('primera')).status).toBe(200);
      expectProblem(
        await edit('segunda, sobre la versión vieja'),
        409,
        'EXPEDIENTE.VERSION_OBSOLETA',
      );
    });
  });

  describe('413', () => {
    it('for a file one byte over the limit; a file of the limit is taken', async () => {
      const over = await abrir({ codigo: codigoNuevo(), opcionInicial: 'SEDE_ELECTRONICA' }, [
        fileOf(pdf(), 'pequeño.pdf'),
        fileOf(pdf(MAX_FILE + 1), 'grande.pdf'),
      ]);
      expectProblem(over, 413, 'API.UPLOAD_TOO_LARGE');
      expect(over.body.detail).toBe('Cada archivo puede ocupar como mucho 256 KiB');
      const exact = await abrir({ codigo: codigoNuevo(), opcionInicial: 'SEDE_ELECTRONICA' }, [
        fileOf(pdf(MAX_FILE), 'justo.pdf'),
      ]);
      expect(exact.status).toBe(201);
    });

    it('for a new version over the limit', async () => {
      const reply = await api().request(
        `/expedientes/${expedienteId}/documents/${documentId}/versions`,
        {
          token,
          form: formOf({}, [fileOf(pdf(MAX_FILE + 10 * KiB), 'v2.pdf')], 'file'),
        },
      );
      expectProblem(reply, 413, 'API.UPLOAD_TOO_LARGE');
    });

    it('for a body declared larger than any form could be, before reading it', async () => {
      const reply = await api().request(`/expedientes/${expedienteId}/documents`, {
        token,
        form: formOf({}, [fileOf(pdf(MAX_FILE + 1024 * KiB + 1), 'enorme.pdf')], 'file'),
      });
      expectProblem(reply, 413, 'API.UPLOAD_TOO_LARGE');
    });

    it('for a JSON body over its limit', async () => {
      const reply = await api().request(`/expedientes/${expedienteId}/transitions`, {
        token,
        json: { hacia: 'ANALISIS_TECNICO', relleno: 'x'.repeat(200 * KiB) },
      });
      expectProblem(reply, 413);
    });
  });

  describe('415', () => {
    it('for JSON where a form is required', async () => {
      const reply = await api().request('/expedientes', {
        token,
        json: {
          codigo: codigoNuevo(),
          opcionInicial: 'SEDE_ELECTRONICA',
          documentIds: [documentId],
        },
      });
      expectProblem(reply, 415, 'API.UNSUPPORTED_MEDIA_TYPE');
      expect(reply.body.detail).toMatch(/multipart\/form-data/);
    });

    it('for a form, or text, where JSON is required', async () => {
      const form = await api().request(`/expedientes/${expedienteId}`, {
        method: 'PATCH',
        token,
        form: formOf({ descripcion: 'x' }),
      });
      expectProblem(form, 415, 'API.UNSUPPORTED_MEDIA_TYPE');
      const text = await api().request(`/expedientes/${expedienteId}/transitions`, {
        token,
        body: 'hacia=ANALISIS_TECNICO',
        headers: { 'content-type': 'text/plain' },
      });
      expectProblem(text, 415);
    });

    it('for raw bytes where a form is required', async () => {
      const reply = await api().request(`/expedientes/${expedienteId}/documents`, {
        token,
        body: pdf(),
        headers: { 'content-type': 'application/pdf' },
      });
      expectProblem(reply, 415);
    });
  });

  it('422 for a change of phase the procedure does not allow, with its reason', async () => {
    const reply = await api().request(`/expedientes/${expedienteId}/transitions`, {
      token,
      json: { hacia: 'FINALIZADO' },
    });
    expectProblem(reply, 422);
    expect(reply.body.code).toMatch(/^BPM\./);
  });

  describe('429, with Retry-After', () => {
    let limited: Server;
    let client: ApiClient;

    beforeAll(async () => {
      const internal = 'http://in-process';
      const { app } = createGateway({
        logger: silentLogger,
        metrics: new ServiceMetrics('gateway-limited'),
        readiness: [],
        backends: httpBackends(
          {
            expedientes: `${internal}/expedientes`,
            documents: `${internal}/documents`,
            bpm: `${internal}/bpm`,
            search: `${internal}/search`,
          },
          5_000,
          inProcessTransport(gateway.embedded.internalApi),
        ),
        strategies: [
          [
            'bearer',
            bearerStrategy(
              new JwtIdentityVerifier({
                issuer: gateway.issuer.issuer,
                audience: gateway.issuer.audience,
                keys: gateway.issuer.jwks,
              }),
            ),
          ],
        ],
        limits: { maxFileBytes: MAX_FILE, requestsPerMinute: 3 },
      });
      limited = app.listen(0, '127.0.0.1');
      await new Promise((done) => limited.once('listening', done));
      client = new ApiClient(`http://127.0.0.1:${(limited.address() as AddressInfo).port}/api/v1`);
    });

    afterAll(() => new Promise((done) => limited?.close(done)));

    it('refuses a user past their requests a minute, and no one else', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await client.request('/expedientes', { token })).status).toBe(200);
      }
      const refused = await client.request('/expedientes', { token });
      expectProblem(refused, 429, 'API.TOO_MANY_REQUESTS');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get('ratelimit-policy')).toMatch(/q=3/);
      const other = await client.request('/expedientes', { token: gateway.tokens.validador });
      expect(other.status).toBe(200);
    });

    it('counts callers that have not identified themselves by their address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await client.request('/expedientes')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    });
  });
});

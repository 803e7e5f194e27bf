import { randomUUID } from 'node:crypto';
import { fileOf, formOf } from '../support/api-client';
import {
  codigoNuevo,
  GatewayUnderTest,
  pdf,
  startGatewayUnderTest,
} from '../support/gateway-under-test';

/**
 * Idempotency-Key on the API's changes, through the embedded platform: a retry gets the
 * first answer again and does nothing twice; the same key for another request is refused.
 */
describe('Idempotency-Key', () => {
  let gateway: GatewayUnderTest;
  const api = () => gateway.api;
  const tramitador = () => gateway.tokens.tramitador;
  const abrir = (codigo: string, key?: string) =>
    api().request('/expedientes', {
      token: tramitador(),
      form: formOf({ codigo, opcionInicial: 'PETICION_DEPARTAMENTO' }, [fileOf(pdf(), 'a.pdf')]),
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });

  beforeAll(async () => {
    gateway = await startGatewayUnderTest();
  });
  afterAll(() => gateway?.stop());

  it('answers a retried open as the first time, without opening it twice', async () => {
    const codigo = codigoNuevo('IDK');
    const key = randomUUID();
    const first = await abrir(codigo, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    // The draft's quoted form names the same key.
    const retry = await abrir(codigo, `"${key}"`);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.body).toEqual(first.body);

    // Opened once: the same code without the key is a duplicate.
    const again = await abrir(codigo);
    expect(again.status).toBe(409);
    expect(again.body.code).toMatch(/CODIGO_DUPLICADO/);
  });

  it('refuses the same key for another request (422), and keys belong to their caller', async () => {
    const opened = await abrir(codigoNuevo('IDK'));
    expect(opened.status).toBe(201);
    const id = opened.body.expedienteId;
    const key = randomUUID();
    const advance = (hacia: string, token = tramitador()) =>
      api().request(`/expedientes/${id}/transitions`, {
        token,
        json: { hacia },
        headers: { 'idempotency-key': key },
      });

    const first = await advance('ANALISIS_TECNICO');
    expect(first.status).toBe(200);
    const retry = await advance('ANALISIS_TECNICO');
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const other = await advance('VALIDACION');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('API.IDEMPOTENCY_KEY_REUSED');

    // The validador's key of the same name is theirs: their request is worked on.
    const validador = await advance('VALIDACION', gateway.tokens.validador);
    expect(validador.headers.get('idempotent-replayed')).toBeNull();
    expect(validador.body?.code).not.toBe('API.IDEMPOTENCY_KEY_REUSED');

    const detail = await api().request(`/expedientes/${id}/history`, { token: tramitador() });
    const cambios = detail.body.entradas.filter(
      (entrada: { tipo: string }) => entrada.tipo === 'fase-cambiada',
    );
    expect(cambios.length).toBe(validador.status === 200 ? 2 : 1);
  });

  it('tells a retry that arrives while the first is at work to come back (409), and opens once', async () => {
    const codigo = codigoNuevo('IDK');
    const key = randomUUID();
    const answers = await Promise.all([abrir(codigo, key), abrir(codigo, key)]);
    const statuses = answers.map((answer) => answer.status).sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    const busy = answers.find((answer) => answer.status === 409);
    if (busy) {
      expect(busy.body.code).toBe('API.IDEMPOTENCY_KEY_IN_PROGRESS');
      expect(busy.headers.get('retry-after')).toBe('1');
    }
    const later = await abrir(codigo, key);
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses a key that is not 1 to 255 visible ASCII characters', async () => {
    for (const key of ['', 'x'.repeat(256), 'clave con espacios', 'clave-ñ']) {
      const reply = await api().request('/expedientes/nope/transitions', {
        token: tramitador(),
        json: { hacia: 'ANALISIS_TECNICO' },
        headers: { 'idempotency-key': key },
      });
      expect({ key, status: reply.status, code: reply.body.code }).toEqual({
        key,
        status: 400,
        code: 'API.IDEMPOTENCY_KEY_INVALID',
      });
    }
  });
});

import type { EndpointCaller, ExpedientesEndpoints } from '@expedientes/expedientes';
import { Actor, DomainError, IdentityVerifier } from '@expedientes/shared-kernel';
import { z } from 'zod';
import { InProcessExpedientesApi } from '../../src/adapters/in-process/in-process-expedientes-api';
import { InProcessService } from '../../src/adapters/in-process/in-process-service';
import { problemOf } from '../support/problem-of';

const ana: Actor = { userId: 'ana', roles: ['tramitador'] };
const tokens: IdentityVerifier = {
  async verify(token) {
    if (token === 'ana-token') return ana;
    throw new Error(`unknown token ${token}`);
  },
};
const call = { token: 'ana-token', correlationId: 'corr-1', idempotencyKey: 'key-1' };

const inicial = { codigo: 'INICIAL', nombre: 'Fase inicial', final: false };
const analisis = { codigo: 'ANALISIS_TECNICO', nombre: 'Análisis técnico', final: false };

/** An API whose endpoints answer as `endpoints` says, remembering who called. */
function apiWith(endpoints: Partial<ExpedientesEndpoints>, timeoutMs = 1_000) {
  const service = new InProcessService('expedientes', tokens, timeoutMs, async () => undefined);
  return new InProcessExpedientesApi(endpoints as ExpedientesEndpoints, service);
}

describe('The expedientes API called in process', () => {
  it('calls as the actor of the token, with the request’s correlation id and key', async () => {
    const seen: EndpointCaller[] = [];
    const api = apiWith({
      async transition(expedienteId, body, caller) {
        seen.push(caller);
        expect(expedienteId).toBe('exp-1');
        expect(body).toEqual({ hacia: 'ANALISIS_TECNICO' });
        return {
          status: 'done',
          result: {
            expedienteId,
            desde: inicial,
            hacia: analisis,
            estado: 'abierto',
            version: 3,
          },
        };
      },
    });
    const outcome = await api.requestTransition('exp-1', { hacia: 'ANALISIS_TECNICO' }, call);
    expect(outcome).toEqual({
      status: 'done',
      result: expect.objectContaining({ hacia: analisis, version: 3 }),
    });
    expect(seen).toEqual([{ actor: ana, correlationId: 'corr-1', idempotencyKey: 'key-1' }]);
  });

  it('hands over a saga that outlived the wait as the saga to follow', async () => {
    const api = apiWith({
      async open() {
        return { status: 'accepted', sagaId: 'saga-9' };
      },
    });
    const solicitud = {
      codigo: 'C-1',
      opcionInicial: 'SEDE_ELECTRONICA',
      descripcion: '',
      documentIds: [],
    };
    await expect(api.open(solicitud, call)).resolves.toEqual({
      status: 'accepted',
      sagaId: 'saga-9',
    });
  });

  it('gives dates as the wire does, as text', async () => {
    const api = apiWith({
      async history(expedienteId) {
        const entrada = {
          version: 2,
          tipo: 'ComentarioAnadido',
          ocurridoAt: new Date('2030-01-02T03:04:05.000Z'),
          usuario: 'ana',
          roles: ['tramitador'],
          resumen: 'Comentario',
          datos: {},
        };
        return { expedienteId, entradas: [entrada] } as never;
      },
    });
    const { entradas } = await api.history('exp-1', call);
    expect(entradas[0].ocurridoAt).toBe('2030-01-02T03:04:05.000Z');
  });

  it('passes a refusal on as the same problem the HTTP API answers', async () => {
    const api = apiWith({
      async get() {
        throw new DomainError(
          'EXPEDIENTE.NO_ENCONTRADO',
          'not_found',
          'No existe el expediente x',
          {
            expedienteId: 'x',
          },
        );
      },
    });
    expect(await problemOf(api.get('x', {}, call))).toMatchObject({
      status: 404,
      code: 'EXPEDIENTE.NO_ENCONTRADO',
      detail: 'No existe el expediente x',
    });
  });

  it('answers invalid input with the 400 of the service’s validation', async () => {
    const api = apiWith({
      async comment() {
        z.object({ texto: z.string() }).parse({ texto: 7 });
        throw new Error('not reached');
      },
    });
    expect(await problemOf(api.comment('x', 'hola', call))).toMatchObject({
      status: 400,
      code: 'REQUEST.INVALID',
    });
  });

  it('answers a failure of the service with a 502 that says nothing of the inside', async () => {
    const api = apiWith({
      async saga() {
        throw new Error('the disk is on fire');
      },
    });
    const problem = await problemOf(api.saga('s-1', call));
    expect(problem).toMatchObject({ status: 502, code: 'API.SERVICE_FAILED' });
    expect(JSON.stringify(problem)).not.toContain('fire');
  });

  it('answers an answer the gateway cannot read with a 502', async () => {
    const api = apiWith({
      async assign() {
        return { something: 'else' } as never;
      },
    });
    expect(await problemOf(api.assign('x', 'ana', call))).toMatchObject({
      status: 502,
      code: 'API.SERVICE_FAILED',
    });
  });

  it('answers a call that outlasts the deadline with a 504', async () => {
    const api = apiWith({ list: () => new Promise<never>(() => undefined) }, 20);
    expect(await problemOf(api.list({}, call))).toMatchObject({
      status: 504,
      code: 'API.SERVICE_TIMEOUT',
    });
  });

  it('sends the list’s criteria as a query string carries them', async () => {
    const queries: unknown[] = [];
    const api = apiWith({
      async list(query) {
        queries.push(query);
        return { items: [], total: 0, page: 1, pageSize: 20 } as never;
      },
    });
    await api.list({ sinAsignar: true, page: 2 }, call);
    await api.list({ sinAsignar: false }, call);
    expect(queries).toEqual([{ sinAsignar: 'true', page: 2 }, {}]);
  });
});

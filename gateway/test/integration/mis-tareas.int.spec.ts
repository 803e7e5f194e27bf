import { eventually } from '../e2e/support/processes';
import { fileOf, formOf } from '../support/api-client';
import {
  codigoNuevo,
  GatewayUnderTest,
  Persona,
  personas,
  pdf,
  startGatewayUnderTest,
} from '../support/gateway-under-test';

/**
 * "Mis tareas" with the real services: the phases come from bpm's procedure and the caller's
 * roles, the expedientes from the list, mine or nobody's.
 */
describe('GET /tasks: what waits for each person', () => {
  let gateway: GatewayUnderTest;
  const ids: Record<'libre' | 'deVictor' | 'enAnalisis', string> = {
    libre: '',
    deVictor: '',
    enAnalisis: '',
  };

  const tareas = async (persona: Persona) => {
    const reply = await gateway.api.request('/tasks', { token: gateway.tokens[persona] });
    expect(reply.status).toBe(200);
    return reply.body as {
      total: number;
      porFase: Array<{ fase: { codigo: string }; total: number }>;
      expedientes: Array<{ id: string; fase: { codigo: string } }>;
      menciones: { total: number; expedientes: Array<{ id: string }> };
    };
  };
  const idsDe = (body: Awaited<ReturnType<typeof tareas>>) => body.expedientes.map((e) => e.id);
  const fasesDe = (body: Awaited<ReturnType<typeof tareas>>) =>
    body.porFase.map((each) => each.fase.codigo);

  beforeAll(async () => {
    gateway = await startGatewayUnderTest();
    for (const key of Object.keys(ids) as Array<keyof typeof ids>) {
      const opened = await gateway.api.request('/expedientes', {
        token: gateway.tokens.tramitador,
        form: formOf(
          { codigo: codigoNuevo('TAR'), opcionInicial: 'SEDE_ELECTRONICA', descripcion: key },
          [fileOf(pdf(), 'solicitud.pdf')],
        ),
      });
      expect(opened.status).toBe(201);
      ids[key] = opened.body.expedienteId;
    }
    const assigned = await gateway.api.request(`/expedientes/${ids.deVictor}/assignee`, {
      method: 'PUT',
      token: gateway.tokens.validador,
      json: { asignadoA: personas.validador.userId },
    });
    expect(assigned.status).toBe(200);
    const moved = await gateway.api.request(`/expedientes/${ids.enAnalisis}/transitions`, {
      method: 'POST',
      token: gateway.tokens.tramitador,
      json: { hacia: 'ANALISIS_TECNICO' },
    });
    expect(moved.status).toBe(200);
    const comentado = await gateway.api.request(`/expedientes/${ids.libre}/comments`, {
      method: 'POST',
      token: gateway.tokens.tramitador,
      json: { texto: `@${personas.validador.userId}, ¿lo puede mirar?` },
    });
    expect(comentado.status).toBe(201);
  });

  afterAll(() => gateway?.stop());

  it("gives a tramitador the open ones in the phases a tramitador moves on, his or nobody's", async () => {
    const body = await eventually(async () => {
      const each = await tareas('tramitador');
      return idsDe(each).includes(ids.enAnalisis) ? each : undefined;
    }, 'the tramitador’s tasks with the one in análisis técnico');
    expect(fasesDe(body)).toEqual(['INICIAL', 'ANALISIS_TECNICO', 'RECHAZADO']);
    expect(idsDe(body)).toEqual(expect.arrayContaining([ids.libre, ids.enAnalisis]));
    expect(idsDe(body)).not.toContain(ids.deVictor); // someone else has it
    const porFase = Object.fromEntries(body.porFase.map((each) => [each.fase.codigo, each.total]));
    expect(porFase).toEqual({ INICIAL: 1, ANALISIS_TECNICO: 1, RECHAZADO: 0 });
    expect(body.total).toBe(2);
  });

  it('gives a validador the phase he decides in, and an administrator everything, assigned or not', async () => {
    const validador = await eventually(async () => {
      const each = await tareas('validador');
      return each.menciones.total > 0 ? each : undefined;
    }, 'the validador’s mention');
    expect(fasesDe(validador)).toEqual(['VALIDACION']);
    expect(validador.total).toBe(0);
    // Mentioned in a comment: there too, whatever the phase.
    expect(validador.menciones.expedientes.map((each) => each.id)).toEqual([ids.libre]);
    expect((await tareas('tramitador')).menciones).toEqual({ total: 0, expedientes: [] });
    const admin = await tareas('admin');
    expect(fasesDe(admin)).toEqual(['INICIAL', 'ANALISIS_TECNICO', 'VALIDACION', 'RECHAZADO']);
    expect(idsDe(admin)).toEqual([ids.libre, ids.deVictor, ids.enAnalisis]);
    expect(admin.total).toBe(3);
  });

  it('refuses a user with no role, and a limit out of range', async () => {
    const sinRol = await gateway.api.request('/tasks', { token: gateway.tokens.sinRol });
    expect(sinRol.status).toBe(403);
    const tooMany = await gateway.api.request('/tasks?limite=101', { token: gateway.tokens.admin });
    expect(tooMany.status).toBe(400);
  });
});

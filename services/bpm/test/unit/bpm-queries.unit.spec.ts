import { sinFestivos } from '../support/plazos';
import { GetProcedureQuery } from '../../src/application/get-procedure/get-procedure-query';
import { GetProcessQuery } from '../../src/application/get-process/get-process-query';
import { ListProceduresQuery } from '../../src/application/list-procedures/list-procedures-query';
import { PhasesWithTasksQuery } from '../../src/application/phases-with-tasks/phases-with-tasks-query';
import { CatalogoDeProcedimientos } from '../../src/domain/catalogo-de-procedimientos';
import { Procedimiento } from '../../src/domain/procedimiento';
import { Proceso } from '../../src/domain/proceso';
import { InMemoryProcesoRepository } from '../support/in-memory-bpm-store';
import { fases, ProcedimientoMother } from '../support/procedimiento-mother';
import { usuarios } from '../support/usuarios';

describe('GetProcessQuery', () => {
  const procesos = new InMemoryProcesoRepository();
  const query = new GetProcessQuery(procesos);

  beforeAll(async () => {
    const proceso = Proceso.iniciar({
      expedienteId: 'exp-1',
      sagaId: 'saga-1',
      procedimiento: ProcedimientoMother.estandar(),
      por: 'ana.tramitadora',
      at: new Date('2025-03-01T09:00:00.000Z'),
      plazos: sinFestivos,
    });
    proceso.cambiarDeFase(
      'ANALISIS_TECNICO',
      usuarios.tramitadora,
      new Date('2025-03-01T09:30:00.000Z'),
      sinFestivos,
    );
    await procesos.save(proceso);
  });

  it('shows the current phase, the history, and where the asking user may take it', async () => {
    await expect(query.handle('exp-1', usuarios.tramitadora)).resolves.toEqual({
      expedienteId: 'exp-1',
      procedimiento: { codigo: 'estandar', version: 1, nombre: 'Procedimiento estándar' },
      estado: 'activo',
      faseActual: fases.ANALISIS_TECNICO,
      vencimiento: null,
      historial: [
        {
          fase: fases.INICIAL,
          entradaAt: '2025-03-01T09:00:00.000Z',
          entradaPor: 'ana.tramitadora',
          vencimiento: null,
          salidaAt: '2025-03-01T09:30:00.000Z',
          salidaPor: 'ana.tramitadora',
        },
        {
          fase: fases.ANALISIS_TECNICO,
          entradaAt: '2025-03-01T09:30:00.000Z',
          entradaPor: 'ana.tramitadora',
          vencimiento: null,
          salidaAt: null,
          salidaPor: null,
        },
      ],
      transicionesDisponibles: [fases.VALIDACION, fases.RECHAZADO],
      // Version 1 of the standard procedure asks for no reasons.
      conMotivo: [],
    });
  });

  it('offers a validador nothing in technical analysis', async () => {
    const view = await query.handle('exp-1', usuarios.validador);
    expect(view.transicionesDisponibles).toEqual([]);
  });

  it('says so when the expediente has no process', async () => {
    await expect(query.handle('exp-404', usuarios.admin)).rejects.toMatchObject({
      code: 'BPM.PROCESS_NOT_FOUND',
      kind: 'not_found',
    });
  });
});

describe('procedure queries', () => {
  const abreviado = Procedimiento.definir(
    ProcedimientoMother.with({ codigo: 'abreviado', nombre: 'Procedimiento abreviado' }),
  );
  const catalogo = new CatalogoDeProcedimientos([
    ProcedimientoMother.estandar(),
    ProcedimientoMother.estandarV2(),
    abreviado,
  ]);

  it('lists every procedure with its newest version', () => {
    expect(new ListProceduresQuery(catalogo).handle()).toEqual([
      { codigo: 'abreviado', nombre: 'Procedimiento abreviado', version: 1, versiones: [1] },
      { codigo: 'estandar', nombre: 'Procedimiento estándar', version: 2, versiones: [1, 2] },
    ]);
  });

  it('tells in which phases of each procedure work waits for each role', () => {
    const query = new PhasesWithTasksQuery(catalogo);
    const fasesDe = (roles: string[]) =>
      query.handle(roles).map(({ procedimiento, codigo }) => `${procedimiento}:${codigo}`);
    expect(fasesDe(['validador'])).toEqual(['abreviado:VALIDACION', 'estandar:VALIDACION']);
    // The newest version counts: in estandar's version 2 a tramitador may finish a validation.
    expect(fasesDe(['tramitador'])).toEqual([
      'abreviado:INICIAL',
      'abreviado:ANALISIS_TECNICO',
      'abreviado:RECHAZADO',
      'estandar:INICIAL',
      'estandar:ANALISIS_TECNICO',
      'estandar:VALIDACION',
      'estandar:RECHAZADO',
    ]);
    // Every transition is an administrator's: every phase that has one, never a final one.
    expect(fasesDe(['admin'])).toHaveLength(8);
    expect(fasesDe([])).toEqual([]);
    expect(query.handle(['validador'])[1]).toEqual({
      ...fases.VALIDACION,
      procedimiento: 'estandar',
    });
  });

  it('gives a procedure definition, newest unless a version is asked for', () => {
    const query = new GetProcedureQuery(catalogo);
    const { version, ...estandar } = ProcedimientoMother.estandarDefinicion();
    expect(query.handle('estandar', 1)).toEqual({
      ...estandar,
      version,
      versiones: [1, 2],
      faseInicial: fases.INICIAL,
    });
    expect(query.handle('estandar').version).toBe(2);
    expect(() => query.handle('estandar', 7)).toThrow(
      expect.objectContaining({ code: 'BPM.PROCEDURE_NOT_FOUND' }),
    );
  });
});

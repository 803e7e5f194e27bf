import { sinFestivos } from '../support/plazos';
import { DomainError } from '@expedientes/shared-kernel';
import { Proceso } from '../../src/domain/proceso';
import { fases, ProcedimientoMother } from '../support/procedimiento-mother';
import { usuarios } from '../support/usuarios';

const at = (minute: number): Date => new Date(Date.UTC(2025, 2, 1, 9, minute));

const iniciado = (): Proceso =>
  Proceso.iniciar({
    expedienteId: 'exp-1',
    sagaId: 'saga-1',
    procedimiento: ProcedimientoMother.estandar(),
    por: usuarios.tramitadora.userId,
    at: at(0),
    plazos: sinFestivos,
  });

describe('Proceso', () => {
  it('starts in the initial phase of its procedure, entered by whoever started it', () => {
    const proceso = iniciado();

    expect(proceso.estado).toBe('activo');
    expect(proceso.faseActual).toEqual(fases.INICIAL);
    expect(proceso.historial).toEqual([
      {
        fase: fases.INICIAL,
        entradaAt: at(0),
        entradaPor: 'ana.tramitadora',
        vencimiento: null,
        salidaAt: null,
        salidaPor: null,
      },
    ]);
    expect(proceso.pullDomainEvents()).toEqual([
      {
        type: 'bpm.proceso.iniciado',
        occurredAt: at(0).toISOString(),
        data: {
          expedienteId: 'exp-1',
          procedimiento: 'estandar',
          version: 1,
          fase: fases.INICIAL,
          vencimiento: null,
        },
      },
    ]);
    expect(proceso.pullDomainEvents()).toEqual([]);
  });

  it('walks the whole procedure, through a rejection and back, keeping every phase it went through', () => {
    const proceso = iniciado();
    const { tramitadora, validador } = usuarios;
    proceso.cambiarDeFase('ANALISIS_TECNICO', tramitadora, at(1), sinFestivos);
    proceso.cambiarDeFase('RECHAZADO', tramitadora, at(2), sinFestivos);
    proceso.cambiarDeFase('INICIAL', tramitadora, at(3), sinFestivos);
    proceso.cambiarDeFase('ANALISIS_TECNICO', tramitadora, at(4), sinFestivos);
    proceso.cambiarDeFase('VALIDACION', tramitadora, at(5), sinFestivos);
    const ultimo = proceso.cambiarDeFase('FINALIZADO', validador, at(6), sinFestivos);

    expect(ultimo).toEqual({
      desde: fases.VALIDACION,
      hacia: fases.FINALIZADO,
      paso: 6,
      vencimiento: null,
    });
    const [ana, luis] = [tramitadora.userId, validador.userId];
    const paso = (
      fase: keyof typeof fases,
      [entrada, entradaPor]: [number, string],
      salida?: [number, string],
    ) => ({
      fase: fases[fase],
      entradaAt: at(entrada),
      entradaPor,
      vencimiento: null,
      salidaAt: salida ? at(salida[0]) : null,
      salidaPor: salida ? salida[1] : null,
    });
    expect(proceso.historial).toEqual([
      paso('INICIAL', [0, ana], [1, ana]),
      paso('ANALISIS_TECNICO', [1, ana], [2, ana]),
      paso('RECHAZADO', [2, ana], [3, ana]),
      paso('INICIAL', [3, ana], [4, ana]),
      paso('ANALISIS_TECNICO', [4, ana], [5, ana]),
      paso('VALIDACION', [5, ana], [6, luis]),
      paso('FINALIZADO', [6, luis]),
    ]);
    const cambios = proceso
      .pullDomainEvents()
      .filter((event) => event.type === 'bpm.fase.cambiada');
    expect(cambios.map((event) => event.data)).toEqual([
      {
        expedienteId: 'exp-1',
        desde: fases.INICIAL,
        hacia: fases.ANALISIS_TECNICO,
        paso: 1,
        vencimiento: null,
      },
      {
        expedienteId: 'exp-1',
        desde: fases.ANALISIS_TECNICO,
        hacia: fases.RECHAZADO,
        paso: 2,
        vencimiento: null,
      },
      {
        expedienteId: 'exp-1',
        desde: fases.RECHAZADO,
        hacia: fases.INICIAL,
        paso: 3,
        vencimiento: null,
      },
      {
        expedienteId: 'exp-1',
        desde: fases.INICIAL,
        hacia: fases.ANALISIS_TECNICO,
        paso: 4,
        vencimiento: null,
      },
      {
        expedienteId: 'exp-1',
        desde: fases.ANALISIS_TECNICO,
        hacia: fases.VALIDACION,
        paso: 5,
        vencimiento: null,
      },
      {
        expedienteId: 'exp-1',
        desde: fases.VALIDACION,
        hacia: fases.FINALIZADO,
        paso: 6,
        vencimiento: null,
      },
    ]);
    expect(proceso.transicionesDisponiblesPara(['admin'])).toEqual([]);
  });

  it.each([
    ['a role that may not take it', 'ANALISIS_TECNICO', usuarios.validador, 'BPM.ROLE_NOT_ALLOWED'],
    [
      'a transition not allowed from the phase',
      'FINALIZADO',
      usuarios.admin,
      'BPM.TRANSITION_NOT_ALLOWED',
    ],
    ['a phase the procedure does not have', 'ARCHIVADO', usuarios.admin, 'BPM.UNKNOWN_PHASE'],
  ])('refuses %s and changes nothing', (_case, hacia, usuario, code) => {
    const proceso = iniciado();
    proceso.pullDomainEvents();
    const before = proceso.datos();

    expect(() => proceso.cambiarDeFase(hacia, usuario, at(1), sinFestivos)).toThrow(
      expect.objectContaining({ code }),
    );
    expect(proceso.datos()).toEqual(before);
    expect(proceso.pullDomainEvents()).toEqual([]);
  });

  it('tells the user which transitions are theirs to take now', () => {
    const proceso = iniciado();
    proceso.cambiarDeFase('ANALISIS_TECNICO', usuarios.tramitadora, at(1), sinFestivos);
    proceso.cambiarDeFase('VALIDACION', usuarios.tramitadora, at(2), sinFestivos);

    expect(proceso.transicionesDisponiblesPara(usuarios.tramitadora.roles)).toEqual([]);
    expect(proceso.transicionesDisponiblesPara(usuarios.validador.roles)).toEqual([
      fases.FINALIZADO,
      fases.RECHAZADO,
    ]);
  });

  it('is cancelled once: it leaves its phase, stops moving and says so one time', () => {
    const proceso = iniciado();
    proceso.pullDomainEvents();
    proceso.cancelar('system', at(5));
    proceso.cancelar('system', at(6));

    expect(proceso.estado).toBe('cancelado');
    expect(proceso.historial).toEqual([
      expect.objectContaining({ fase: fases.INICIAL, salidaAt: at(5), salidaPor: 'system' }),
    ]);
    expect(proceso.pullDomainEvents()).toEqual([
      {
        type: 'bpm.proceso.cancelado',
        occurredAt: at(5).toISOString(),
        data: { expedienteId: 'exp-1' },
      },
    ]);
    expect(proceso.transicionesDisponiblesPara(['admin'])).toEqual([]);
    let refusal: unknown;
    try {
      proceso.cambiarDeFase('ANALISIS_TECNICO', usuarios.admin, at(7), sinFestivos);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      code: 'BPM.PROCESS_CANCELLED',
      message: 'El proceso del expediente exp-1 está cancelado: ya no cambia de fase',
    });
  });

  it('keeps following the version of the procedure it started with', () => {
    const v1 = Proceso.reconstituir({ ...iniciado().datos(), revision: 3 });
    v1.cambiarDeFase('ANALISIS_TECNICO', usuarios.tramitadora, at(1), sinFestivos);
    v1.cambiarDeFase('VALIDACION', usuarios.tramitadora, at(2), sinFestivos);
    const v2 = Proceso.reconstituir({
      ...v1.datos(),
      procedimiento: ProcedimientoMother.estandarV2(),
    });

    expect(v1.transicionesDisponiblesPara(usuarios.tramitadora.roles)).toEqual([]);
    expect(v2.transicionesDisponiblesPara(usuarios.tramitadora.roles)).toEqual([fases.FINALIZADO]);
    expect(v1.datos().revision).toBe(3);
  });

  it('knows the saga that started it', () => {
    expect(iniciado().iniciadoPor('saga-1')).toBe(true);
    expect(iniciado().iniciadoPor('saga-2')).toBe(false);
  });
});

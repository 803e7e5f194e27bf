import { ExpedienteEnLista, Tareas } from '../../src/api/types';
import { agrupar, fasesRecortadas, listaDeFase, tareasDeFase } from '../../src/tareas/tareas';

const INICIAL = { codigo: 'INICIAL', nombre: 'Fase inicial' };
const VALIDACION = { codigo: 'VALIDACION', nombre: 'Fase de validación' };

const fila = (id: string, fase: typeof INICIAL): ExpedienteEnLista => ({
  id,
  codigo: id.toUpperCase(),
  opcionInicial: 'SEDE_ELECTRONICA',
  descripcion: '',
  estado: 'abierto',
  fase,
  creadoAt: '2026-12-04T10:00:00.000Z',
});

/** Three wait in Fase inicial (two listed: the limit), one in validación, none elsewhere. */
const tareas: Tareas = {
  total: 4,
  porFase: [
    { fase: INICIAL, total: 3 },
    { fase: { codigo: 'ANALISIS_TECNICO', nombre: 'Fase de análisis técnico' }, total: 0 },
    { fase: VALIDACION, total: 1 },
  ],
  expedientes: [fila('a', INICIAL), fila('b', VALIDACION), fila('c', INICIAL)],
  menciones: { total: 0, expedientes: [] },
};

describe('Mis tareas', () => {
  it("shows every task, or a phase's", () => {
    expect(tareasDeFase(tareas, '').map((each) => each.id)).toEqual(['a', 'b', 'c']);
    expect(tareasDeFase(tareas, 'INICIAL').map((each) => each.id)).toEqual(['a', 'c']);
    expect(tareasDeFase(tareas, 'ANALISIS_TECNICO')).toEqual([]);
  });

  it('tells the phases with more waiting than the answer lists, and links to the list', () => {
    expect(fasesRecortadas(tareas, '')).toEqual([{ fase: INICIAL, total: 3 }]);
    expect(fasesRecortadas(tareas, 'INICIAL')).toEqual([{ fase: INICIAL, total: 3 }]);
    expect(fasesRecortadas(tareas, 'VALIDACION')).toEqual([]);
    expect(fasesRecortadas({ ...tareas, porFase: [{ fase: INICIAL, total: 2 }] }, '')).toEqual([]);
    expect(listaDeFase('INICIAL')).toEqual({
      path: '/expedientes',
      query: { fase: 'INICIAL', estado: 'abierto' },
    });
  });

  describe('loading again on events', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('loads at most once a second, however many events come', () => {
      const load = jest.fn();
      const aplazado = agrupar(load, 1_000);
      aplazado.pedir();
      jest.advanceTimersByTime(500);
      aplazado.pedir();
      aplazado.pedir();
      expect(load).not.toHaveBeenCalled();
      jest.advanceTimersByTime(500);
      expect(load).toHaveBeenCalledTimes(1);
      aplazado.pedir();
      jest.advanceTimersByTime(999);
      expect(load).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(1);
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('calls nothing once cancelled', () => {
      const load = jest.fn();
      const aplazado = agrupar(load, 1_000);
      aplazado.pedir();
      aplazado.cancelar();
      jest.advanceTimersByTime(5_000);
      expect(load).not.toHaveBeenCalled();
      aplazado.pedir();
      jest.advanceTimersByTime(1_000);
      expect(load).toHaveBeenCalledTimes(1);
    });
  });
});

import { ExpedienteEnLista } from '../../src/api/types';
import { comprobarTrasCancelar } from '../../src/nuevo/cancelacion';

const fila = { id: 'e-1', codigo: 'EXP-1' } as ExpedienteEnLista;
const noWait = () => Promise.resolve();

/** A search that answers each look in turn: a row, nothing, or a failure. */
const looks = (...answers: Array<ExpedienteEnLista | null | Error>) => {
  const asked: string[] = [];
  const buscar = async (codigo: string) => {
    asked.push(codigo);
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return answer ?? null;
  };
  return { asked, buscar };
};

describe('after an upload cancelled before any answer', () => {
  it('finds the expediente the server opened all the same, by its code', async () => {
    const { asked, buscar } = looks(null, fila);
    const waits: number[] = [];
    const desenlace = await comprobarTrasCancelar('EXP-1', {
      buscar,
      sleep: async (ms) => void waits.push(ms),
      esperas: [10, 20, 30],
    });
    expect(desenlace).toEqual({ tipo: 'creado', expedienteId: 'e-1' });
    expect(asked).toEqual(['EXP-1', 'EXP-1']);
    expect(waits).toEqual([10, 20]);
  });

  it('says it was not created only when the last look worked and found nothing', async () => {
    const { buscar } = looks(new Error('offline'), null);
    expect(
      await comprobarTrasCancelar('EXP-1', { buscar, sleep: noWait, esperas: [1, 1] }),
    ).toEqual({ tipo: 'noCreado' });
  });

  it('says it is unknown when the last look failed', async () => {
    const { buscar } = looks(null, new Error('offline'));
    expect(
      await comprobarTrasCancelar('EXP-1', { buscar, sleep: noWait, esperas: [1, 1] }),
    ).toEqual({ tipo: 'desconocido' });
  });
});

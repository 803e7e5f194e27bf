import { ApiError } from '../../src/api/problem';
import { followSaga, settled } from '../../src/api/sagas';
import { Operacion } from '../../src/api/types';

const operacion = (estado: Operacion['estado'], fallo: Operacion['fallo'] = null): Operacion => ({
  sagaId: 's-1',
  tipo: 'apertura',
  estado,
  expedienteId: 'e-1',
  fallo,
});

const noWait = async (): Promise<void> => undefined;

describe('operations that go on (sagas)', () => {
  it('polls until the operation completes', async () => {
    const answers = [operacion('running'), operacion('running'), operacion('completed')];
    const getOperacion = jest.fn(async () => answers.shift() ?? operacion('completed'));
    await expect(followSaga('s-1', { getOperacion, sleep: noWait })).resolves.toMatchObject({
      estado: 'completed',
      expedienteId: 'e-1',
    });
    expect(getOperacion).toHaveBeenCalledTimes(3);
  });

  it('rejects with the reason an operation failed, on its field', async () => {
    const fallo = { code: 'EXPEDIENTE.CODIGO_DUPLICADO', message: 'Ya existe EXP-1' };
    const error = await followSaga('s-1', {
      getOperacion: async () => operacion('compensated', fallo),
      sleep: noWait,
    }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('Ya existe EXP-1');
    expect((error as ApiError).fields).toEqual({ codigo: 'Ya existe EXP-1' });
  });

  it('gives up after its polls', async () => {
    await expect(
      followSaga('s-1', {
        getOperacion: async () => operacion('running'),
        sleep: noWait,
        maxPolls: 3,
      }),
    ).rejects.toThrow('La operación no se completó');
  });

  it('settles a command done at once, or follows its saga', async () => {
    const headers = new Headers();
    await expect(
      settled({ status: 201, data: { expedienteId: 'e-9', version: 1 }, headers }),
    ).resolves.toEqual({ expedienteId: 'e-9', result: { expedienteId: 'e-9', version: 1 } });
    await expect(
      settled(
        { status: 202, data: { sagaId: 's-1', estado: 'running' as const }, headers },
        { getOperacion: async () => operacion('completed'), sleep: noWait },
      ),
    ).resolves.toEqual({ expedienteId: 'e-1', result: null });
  });
});

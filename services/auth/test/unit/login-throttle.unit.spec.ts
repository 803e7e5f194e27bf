import { LoginThrottle } from '../../src/application/authenticate/login-throttle';
import { OLVIDO_MS } from '../../src/domain/intentos-de-acceso';
import { InMemoryIntentos } from '../support/in-memory-intentos';

const MINUTO = 60_000;

function setup() {
  let ahora = Date.parse('2030-01-01T09:00:00Z');
  const registro = new InMemoryIntentos();
  const throttle = new LoginThrottle(
    registro,
    {
      porUsuario: { fallos: 3, ventanaMs: 15 * MINUTO },
      porDireccion: { fallos: 5, ventanaMs: 15 * MINUTO },
    },
    () => new Date(ahora),
  );
  /** `veces` failed attempts: each counted, none refused. */
  const fallar = async (quien: { username?: string; direccion?: string }, veces: number) => {
    for (let vez = 0; vez < veces; vez += 1) await throttle.intentar(quien);
  };
  return {
    registro,
    throttle,
    fallar,
    pasan: (ms: number) => {
      ahora += ms;
    },
  };
}

const refusedFor = (minutos: number) => ({ code: 'AUTH.TOO_MANY_ATTEMPTS', details: { minutos } });

describe('the brake on password guessing', () => {
  it('locks a username after its failures, for the window, and only that username', async () => {
    const { throttle, fallar, pasan } = setup();
    await fallar({ username: 'ana' }, 3);
    await expect(throttle.intentar({ username: 'ana' })).rejects.toMatchObject({
      ...refusedFor(15),
      message: 'Demasiados intentos; vuelva a intentarlo en 15 minutos',
    });
    await expect(throttle.intentar({ username: 'luis' })).resolves.toBeUndefined();

    pasan(14 * MINUTO + 1);
    await expect(throttle.intentar({ username: 'ana' })).rejects.toMatchObject({
      message: 'Demasiados intentos; vuelva a intentarlo en 1 minuto',
    });
    pasan(MINUTO);
    await expect(throttle.intentar({ username: 'ana' })).resolves.toBeUndefined();
  });

  it('locks each time twice as long, up to a day, and forgets after a quiet day', async () => {
    const { throttle, fallar, pasan } = setup();
    const bloquear = async (minutos: number) => {
      await fallar({ username: 'ana' }, 3);
      await expect(throttle.intentar({ username: 'ana' })).rejects.toMatchObject(
        refusedFor(minutos),
      );
    };
    for (const minutos of [15, 30, 60, 120, 240, 480, 960, 1440, 1440]) {
      await bloquear(minutos);
      pasan(minutos * MINUTO);
    }
    pasan(OLVIDO_MS);
    await bloquear(15);
  });

  it('counts failures within a window only', async () => {
    const { throttle, fallar, pasan } = setup();
    await fallar({ username: 'ana' }, 2);
    pasan(15 * MINUTO);
    await fallar({ username: 'ana' }, 3);
    await expect(throttle.intentar({ username: 'ana' })).rejects.toThrow();
  });

  it('starts a username afresh on a right password, its lock history too', async () => {
    const { throttle, fallar, pasan } = setup();
    await fallar({ username: 'ana' }, 3);
    await expect(throttle.intentar({ username: 'ana' })).rejects.toThrow();
    pasan(15 * MINUTO);
    await throttle.intentar({ username: 'ana' });
    await throttle.acertar({ username: 'ana' });

    await fallar({ username: 'ana' }, 3);
    await expect(throttle.intentar({ username: 'ana' })).rejects.toMatchObject(refusedFor(15));
  });

  it('gives an address a higher budget, and back the attempts with the right password', async () => {
    const { throttle, fallar } = setup();
    const desde = (username: string) => ({ username, direccion: '192.0.2.7' });
    await fallar(desde('ana'), 2);
    await fallar(desde('luis'), 2);
    for (let vez = 0; vez < 10; vez += 1) {
      await throttle.intentar(desde('marta'));
      await throttle.acertar(desde('marta'));
    }
    await fallar(desde('pepe'), 1);
    await expect(throttle.intentar(desde('rosa'))).rejects.toMatchObject(refusedFor(15));
    await expect(throttle.intentar({ username: 'rosa', direccion: '192.0.2.8' })).resolves.toBe(
      undefined,
    );
  });

  it('does not count a refused attempt against its other key', async () => {
    const { throttle, fallar, registro } = setup();
    await fallar({ username: 'ana' }, 3);
    for (let vez = 0; vez < 10; vez += 1) {
      await expect(
        throttle.intentar({ username: 'ana', direccion: '192.0.2.7' }),
      ).rejects.toThrow();
    }
    expect(registro.stored.has('direccion:192.0.2.7')).toBe(false);
  });
});

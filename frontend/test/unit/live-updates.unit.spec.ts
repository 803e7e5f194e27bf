import { CatchUp, parseEvento } from '../../src/live/catch-up';

/** A sleep that returns at once and remembers how long it was asked to wait. */
const recordingSleep = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};

describe('live updates', () => {
  it('reads an expediente event, and ignores anything else', () => {
    expect(parseEvento('{"expedienteId":"e-1","version":3,"tipo":"fase-cambiada"}')).toEqual({
      expedienteId: 'e-1',
      version: 3,
      tipo: 'fase-cambiada',
    });
    expect(parseEvento('{"expedienteId":"e-1","version":"3"}')).toBeNull();
    expect(parseEvento('{"version":3}')).toBeNull();
    expect(parseEvento('null')).toBeNull();
    expect(parseEvento('not json')).toBeNull();
  });

  it('loads again, with a growing wait, until the view shows the event version', async () => {
    const shown = [4, 4, 5];
    const load = jest.fn(async () => shown.shift() ?? 5);
    const { waits, sleep } = recordingSleep();
    await new CatchUp(load, { sleep }).want(5);
    expect(load).toHaveBeenCalledTimes(3);
    expect(waits).toEqual([150, 300]);
  });

  it('loads once when the view is already at the version', async () => {
    const load = jest.fn(async () => 7);
    await new CatchUp(load, { sleep: recordingSleep().sleep }).want(6);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('raises the version waited for when events come while it loads', async () => {
    let version = 1;
    const catchUp = new CatchUp(
      async () => {
        if (version === 1) void catchUp.want(3); // a newer event arrives during the first load
        return version++;
      },
      { sleep: recordingSleep().sleep },
    );
    await catchUp.want(2);
    expect(catchUp.target).toBe(3);
    expect(version).toBe(4); // loaded until it showed 3
  });

  it('gives up after a bounded number of loads, and on a failed load', async () => {
    const stuck = jest.fn(async () => 1);
    await new CatchUp(stuck, { sleep: recordingSleep().sleep, maxLoads: 4 }).want(9);
    expect(stuck).toHaveBeenCalledTimes(4);

    const failing = jest.fn(async (): Promise<number> => {
      throw new Error('down');
    });
    await new CatchUp(failing, { sleep: recordingSleep().sleep }).want(9);
    expect(failing).toHaveBeenCalledTimes(1);
  });
});

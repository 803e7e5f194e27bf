import { Rerun } from '../../src/adapters/shared/rerun';

describe('Rerun', () => {
  it('runs one at a time, and once more for what was asked for meanwhile', async () => {
    let left = 0;
    let running = 0;
    let most = 0;
    let runs = 0;
    const rerun = new Rerun(
      async () => {
        running += 1;
        most = Math.max(most, running);
        runs += 1;
        const taken = left;
        await new Promise((resolve) => setTimeout(resolve, 5));
        left -= taken;
        running -= 1;
        return true;
      },
      () => left > 0,
    );
    left = 1;
    rerun.request();
    left += 1; // asked for while the first run has taken only what was there
    rerun.request();
    rerun.request();
    await rerun.settled();
    expect({ runs, most, left }).toEqual({ runs: 2, most: 1, left: 0 });
  });

  it('does not run again after a run that gave up', async () => {
    let runs = 0;
    const rerun = new Rerun(
      async () => {
        runs += 1;
        return false;
      },
      () => true,
    );
    rerun.request();
    await rerun.settled();
    expect(runs).toBe(1);
  });
});

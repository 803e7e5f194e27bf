import { CoalescedSync } from '../../src/adapters/shared/coalesced-sync';

/** A sync whose runs end when the test says so. */
function controlledRuns() {
  const runs: Array<{ end: () => void; fail: (error: Error) => void }> = [];
  const sync = new CoalescedSync(
    () =>
      new Promise<void>((resolve, reject) => {
        runs.push({ end: resolve, fail: reject });
      }),
  );
  return { sync, runs };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescedSync', () => {
  it('runs at once when idle, and answers its caller when that run ends', async () => {
    const { sync, runs } = controlledRuns();
    let done = false;
    const first = sync.sync().then(() => (done = true));
    expect(runs).toHaveLength(1);
    await flushed();
    expect(done).toBe(false);
    runs[0].end();
    await first;
    expect(done).toBe(true);
  });

  it('gathers the callers that ask during a run into one next run', async () => {
    const { sync, runs } = controlledRuns();
    const first = sync.sync();
    const waiting = [sync.sync(), sync.sync(), sync.sync()];
    let answered = 0;
    for (const caller of waiting) void caller.then(() => answered++);
    expect(runs).toHaveLength(1);

    runs[0].end();
    await first;
    await flushed();
    // The callers who asked during the first run are not served by it: it may have begun
    // before what they want synced was written.
    expect(answered).toBe(0);
    expect(runs).toHaveLength(2);
    runs[1].end();
    await Promise.all(waiting);
    expect(answered).toBe(3);
    expect(runs).toHaveLength(2);
  });

  it("rejects a run's callers with its error, and the next run goes on", async () => {
    const { sync, runs } = controlledRuns();
    const failing = sync.sync();
    const next = sync.sync();
    runs[0].fail(new Error('EIO'));
    await expect(failing).rejects.toThrow('EIO');
    await flushed();
    expect(runs).toHaveLength(2);
    runs[1].end();
    await expect(next).resolves.toBeUndefined();
  });

  it('settles once no run is under way or waiting', async () => {
    const { sync, runs } = controlledRuns();
    void sync.sync();
    void sync.sync();
    let settled = false;
    const whenSettled = sync.settled().then(() => (settled = true));
    runs[0].end();
    await flushed();
    expect(settled).toBe(false);
    runs[1].end();
    await whenSettled;
    expect(settled).toBe(true);
  });
});

import { AdmissionQueue } from '../../src/security/admission';

describe('AdmissionQueue', () => {
  const never = () => new AbortController().signal;

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets up to its concurrency in at once, then the waiting in arrival order', async () => {
    const queue = new AdmissionQueue({ concurrency: 2, queue: 5, maxWaitMs: 1_000 });
    const first = await queue.enter(never());
    const second = await queue.enter(never());
    expect(first).toBeInstanceOf(Function);
    expect(second).toBeInstanceOf(Function);
    const order: string[] = [];
    const third = queue.enter(never()).then((release) => (order.push('third'), release));
    const fourth = queue.enter(never()).then((release) => (order.push('fourth'), release));
    expect([queue.inFlight, queue.queued]).toEqual([2, 2]);

    (first as () => void)();
    (first as () => void)(); // a second release of the same turn frees nothing more
    await third;
    expect(order).toEqual(['third']);
    expect([queue.inFlight, queue.queued]).toEqual([2, 1]);
    (second as () => void)();
    expect(await fourth).toBeInstanceOf(Function);
    expect(order).toEqual(['third', 'fourth']);
  });

  it('refuses at once when the queue is full', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, queue: 1, maxWaitMs: 1_000 });
    await queue.enter(never());
    const waiting = queue.enter(never());
    await expect(queue.enter(never())).resolves.toBe(false);
    expect(queue.queued).toBe(1);
    jest.advanceTimersByTime(1_000);
    await expect(waiting).resolves.toBe(false);
  });

  it('refuses one that waited too long, and one whose client went away', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, queue: 10, maxWaitMs: 500 });
    const release = (await queue.enter(never())) as () => void;
    const late = queue.enter(never());
    const gone = new AbortController();
    const leaving = queue.enter(gone.signal);
    gone.abort();
    await expect(leaving).resolves.toBe(false);
    jest.advanceTimersByTime(499);
    expect(queue.queued).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(late).resolves.toBe(false);
    expect(queue.queued).toBe(0);
    // Nobody left waiting: the turn released goes back to the pool.
    release();
    expect(queue.inFlight).toBe(0);
    await expect(queue.enter(never())).resolves.toBeInstanceOf(Function);
  });
});

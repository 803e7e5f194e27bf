import { SagaState } from '@expedientes/shared-kernel';
import { SagaWaiter } from '../../src/application/sagas/saga-runner';

const saga = (sagaId: string, status: SagaState['status'], version: number): SagaState => ({
  sagaId,
  type: 'expedientes.open',
  status,
  currentStep: 0,
  data: {},
  pending: null,
  failureReason: null,
  compensationFailures: [],
  origin: { key: 'exp-1', actor: { userId: 'ana', roles: [] }, correlationId: 'c-1' },
  triggeredBy: 'request-1',
  version,
  createdAt: '2030-01-01T09:00:00.000Z',
  updatedAt: '2030-01-01T09:00:00.000Z',
});

/** A store that answers `stored` and counts how often it was asked. */
const storeOf = (stored: () => SagaState | null) => {
  const store = { loads: 0, load: async () => (store.loads++, stored()) };
  return store;
};

describe('SagaWaiter', () => {
  it('ends with the saga it is told of, loading nothing when it knows the start', async () => {
    const store = storeOf(() => saga('s-1', 'running', 0));
    const waiter = new SagaWaiter(store, 60_000);
    const waiting = waiter.waitForEnd('s-1', 60_000, saga('s-1', 'running', 0));

    waiter.notify(saga('s-2', 'completed', 3)); // another saga's end
    waiter.notify(saga('s-1', 'running', 1)); // a step, not the end
    waiter.notify(saga('s-1', 'completed', 2));

    await expect(waiting).resolves.toMatchObject({ sagaId: 's-1', status: 'completed' });
    expect(store.loads).toBe(0);
  });

  it('loads the saga when it is told nothing for a poll interval (another process moved it)', async () => {
    let stored = saga('s-1', 'running', 0);
    const store = storeOf(() => stored);
    const waiter = new SagaWaiter(store, 5);
    const waiting = waiter.waitForEnd('s-1', 60_000);
    stored = saga('s-1', 'compensated', 4);

    await expect(waiting).resolves.toMatchObject({ status: 'compensated', version: 4 });
    expect(store.loads).toBeGreaterThanOrEqual(2);
  });

  it('answers the saga as it stands once the wait is over', async () => {
    // On a busy machine a real 20 ms can pass before the first poll: the clock is the test's.
    jest.useFakeTimers();
    try {
      const store = storeOf(() => saga('s-1', 'running', 1));
      const waiter = new SagaWaiter(store, 5);
      const waiting = waiter.waitForEnd('s-1', 20);
      await jest.advanceTimersByTimeAsync(20);

      await expect(waiting).resolves.toMatchObject({ status: 'running' });
      // The first look, and one after each of the four polls the 20 ms held.
      expect(store.loads).toBe(5);
    } finally {
      jest.useRealTimers();
    }
  });
});

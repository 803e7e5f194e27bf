import { randomUUID } from 'node:crypto';
import { SagaAlreadyExistsError, SagaConcurrencyError, SagaStore } from '../ports/saga-store';
import { PendingCommand, SagaState } from '../saga/state';

const at = (iso: string, plusMs = 0): string => new Date(Date.parse(iso) + plusMs).toISOString();
const T0 = '2030-01-01T10:00:00.000Z';

const pendingUntil = (deadline: string): PendingCommand => ({
  topic: 'documents.commands',
  deadline,
  attempt: 1,
  envelope: {
    id: randomUUID(),
    type: 'documents.RegisterDocuments',
    schemaVersion: 1,
    occurredAt: T0,
    key: 'exp-1',
    correlationId: 'corr-1',
    causationId: 'request-1',
    actor: { userId: 'ana', roles: ['tramitador'] },
    payload: { sagaId: 'set by aSaga', documents: [{ name: 'solicitud.pdf', size: 1024 }] },
  },
});

/** A running saga waiting on a command due at T0 + 1 min, with a fresh id. */
export function aSaga(overrides: Partial<SagaState> = {}): SagaState {
  const sagaId = overrides.sagaId ?? `saga-test-${randomUUID()}`;
  return {
    sagaId,
    type: 'contract.SomeSaga',
    status: 'running',
    currentStep: 0,
    data: {
      expedienteId: 'exp-1',
      descripción: 'Licencia de obra menor — Calle Mayor 1',
      nested: { ids: [1, 2] },
    },
    pending: pendingUntil(at(T0, 60_000)),
    failureReason: null,
    compensationFailures: [],
    origin: {
      key: 'exp-1',
      actor: { userId: 'ana', roles: ['tramitador'] },
      correlationId: 'corr-1',
    },
    triggeredBy: 'request-1',
    version: 0,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const idsOf = (states: readonly SagaState[], among: readonly SagaState[]): string[] =>
  states
    .map((state) => state.sagaId)
    .filter((id) => among.some((saga) => saga.sagaId === id))
    .sort();

/**
 * The behaviour every SagaStore adapter must have. `makeStore` is called before each test and
 * may hand out a new store over the same storage each time (as a restarted process would open
 * it), so each test works with sagas of its own and ignores the others it may find.
 */
export function sagaStoreContract(name: string, makeStore: () => Promise<SagaStore>): void {
  describe(`${name} honours the SagaStore contract`, () => {
    let store: SagaStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    it('loads a created saga exactly as it was given', async () => {
      const saga = aSaga();
      await store.create(saga);
      await expect(store.load(saga.sagaId)).resolves.toEqual(saga);
    });

    it('loads nothing for an unknown saga', async () => {
      await expect(store.load(`saga-test-${randomUUID()}`)).resolves.toBeNull();
    });

    it('refuses to create a saga whose id is taken', async () => {
      const saga = aSaga();
      await store.create(saga);
      await expect(store.create({ ...saga, type: 'test.Other' })).rejects.toBeInstanceOf(
        SagaAlreadyExistsError,
      );
      await expect(store.load(saga.sagaId)).resolves.toMatchObject({ type: saga.type });
    });

    it('saves each new version over the one expected', async () => {
      const saga = aSaga();
      await store.create(saga);
      const second = {
        ...saga,
        version: 1,
        currentStep: 1,
        data: { step: 2 },
        updatedAt: at(T0, 5),
      };
      await store.save(second, 0);
      const third = { ...second, version: 2, status: 'completed' as const, pending: null };
      await store.save(third, 1);
      await expect(store.load(saga.sagaId)).resolves.toEqual(third);
    });

    it('refuses a save over a version that is no longer the stored one, and keeps the stored one', async () => {
      const saga = aSaga();
      await store.create(saga);
      const winner = { ...saga, version: 1, currentStep: 1 };
      await store.save(winner, 0);
      await expect(store.save({ ...saga, version: 1, currentStep: 7 }, 0)).rejects.toBeInstanceOf(
        SagaConcurrencyError,
      );
      await expect(store.load(saga.sagaId)).resolves.toEqual(winner);
    });

    it('refuses to save a saga that was never created', async () => {
      await expect(store.save(aSaga({ version: 1 }), 0)).rejects.toBeInstanceOf(
        SagaConcurrencyError,
      );
    });

    it('lets exactly one of two concurrent saves of one version win', async () => {
      const saga = aSaga();
      await store.create(saga);
      const results = await Promise.allSettled([
        store.save({ ...saga, version: 1, currentStep: 1 }, 0),
        store.save({ ...saga, version: 1, currentStep: 2 }, 0),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((result) => result.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(SagaConcurrencyError);
      const stored = await store.load(saga.sagaId);
      expect(stored?.version).toBe(1);
    });

    it('finds the running and compensating sagas, not the ended ones', async () => {
      const sagas = [
        aSaga({ status: 'running' }),
        aSaga({ status: 'compensating', failureReason: 'refused' }),
        aSaga({ status: 'completed', pending: null }),
        aSaga({ status: 'compensated', pending: null }),
        aSaga({ status: 'failed', pending: null }),
      ];
      for (const saga of sagas) await store.create(saga);
      const ended = { ...sagas[0], version: 1, status: 'completed' as const, pending: null };
      await store.save(ended, 0);
      expect(idsOf(await store.findActive(), sagas)).toEqual([sagas[1].sagaId]);
    });

    it('finds the active sagas whose deadline is before a time, following their saves', async () => {
      const due = aSaga({ pending: pendingUntil(at(T0, 1_000)) });
      const dueExactly = aSaga({ pending: pendingUntil(at(T0, 2_000)) });
      const later = aSaga({ pending: pendingUntil(at(T0, 3_000)) });
      const atLocalStep = aSaga({ pending: null });
      const ended = aSaga({ status: 'completed', pending: pendingUntil(at(T0, 1_000)) });
      const movedOn = aSaga({ pending: pendingUntil(at(T0, 1_000)) });
      const sagas = [due, dueExactly, later, atLocalStep, ended, movedOn];
      for (const saga of sagas) await store.create(saga);
      await store.save({ ...movedOn, version: 1, pending: pendingUntil(at(T0, 9_000)) }, 0);

      const found = await store.findWithDeadlineBefore(new Date(at(T0, 2_000)));
      expect(idsOf(found, sagas)).toEqual([due.sagaId]);
      expect(found.find((saga) => saga.sagaId === due.sagaId)).toEqual(due);
      expect(idsOf(await store.findWithDeadlineBefore(new Date(at(T0, 10_000))), sagas)).toEqual(
        [due.sagaId, dueExactly.sagaId, later.sagaId, movedOn.sagaId].sort(),
      );
    });

    it('shows a store opened later what an earlier one stored', async () => {
      const waiting = aSaga({ pending: pendingUntil(at(T0, 1_000)) });
      const ended = aSaga();
      await store.create(waiting);
      await store.create(ended);
      await store.save({ ...ended, version: 1, status: 'compensated', pending: null }, 0);

      const reopened = await makeStore();
      await expect(reopened.load(waiting.sagaId)).resolves.toEqual(waiting);
      expect(idsOf(await reopened.findActive(), [waiting, ended])).toEqual([waiting.sagaId]);
      expect(
        idsOf(await reopened.findWithDeadlineBefore(new Date(at(T0, 5_000))), [waiting, ended]),
      ).toEqual([waiting.sagaId]);
      await reopened.save({ ...waiting, version: 1, status: 'completed', pending: null }, 0);
      await expect(store.load(waiting.sagaId)).resolves.toMatchObject({
        status: 'completed',
        version: 1,
      });
    });
  });
}

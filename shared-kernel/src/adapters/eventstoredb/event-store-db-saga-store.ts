import {
  AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  jsonEvent,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  assertNextVersion,
  hasDeadlineBefore,
  SagaAlreadyExistsError,
  SagaConcurrencyError,
  SagaStore,
} from '../../ports/saga-store';
import { isActiveSaga, SagaState } from '../../saga/state';

const SAGA_STREAM_PREFIX = 'saga-';
const SAGA_STATE_EVENT_TYPE = 'saga.state-recorded.v1';
const streamOf = (sagaId: string): string => `${SAGA_STREAM_PREFIX}${sagaId}`;

/**
 * Each saga is a stream `saga-<id>` and each saved state one event in it, whose revision is the
 * state's version: the expected revision of an append gives optimistic concurrency, and the
 * stream keeps every step the saga took.
 *
 * EventStoreDB cannot be asked "which sagas are active, or past a deadline", so the store keeps
 * the active ones in memory: `open()` reads $all once (filtering the `saga-` streams on this
 * side: the 6.x client's readAll has no server-side filter) and every create and save made
 * through this store keeps it current. Each answer is re-read from the sagas' own streams, so
 * it is never stale; a saga started by another process after `open()` is missing from this
 * index until the next start-up, which is fine while one orchestrator serves a store.
 * Reading $all needs an admin user on a secured cluster.
 */
export class EventStoreDbSagaStore implements SagaStore {
  private readonly active = new Map<string, SagaState>();

  private constructor(private readonly client: EventStoreDBClient) {}

  /** `connectionString`: esdb://host:2113?tls=false (or esdb+discover:// for a cluster). */
  static async open(connectionString: string): Promise<EventStoreDbSagaStore> {
    const store = new EventStoreDbSagaStore(EventStoreDBClient.connectionString(connectionString));
    try {
      await store.rebuildIndex();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async create(state: SagaState): Promise<void> {
    assertNextVersion(state, -1);
    await this.append(state, NO_STREAM, () => new SagaAlreadyExistsError(state.sagaId));
  }

  async load(sagaId: string): Promise<SagaState | null> {
    try {
      const read = this.client.readStream(streamOf(sagaId), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      for await (const resolved of read) {
        if (resolved.event?.type === SAGA_STATE_EVENT_TYPE) return stateOf(resolved.event.data);
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  async save(state: SagaState, expectedVersion: number): Promise<void> {
    assertNextVersion(state, expectedVersion);
    await this.append(
      state,
      BigInt(expectedVersion),
      () => new SagaConcurrencyError(state.sagaId, expectedVersion),
    );
  }

  findActive(): Promise<SagaState[]> {
    return this.reload(isActiveSaga);
  }

  findWithDeadlineBefore(time: Date): Promise<SagaState[]> {
    return this.reload((state) => hasDeadlineBefore(state, time));
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async append(
    state: SagaState,
    expectedRevision: AppendExpectedRevision,
    conflict: () => Error,
  ): Promise<void> {
    const event = jsonEvent({
      type: SAGA_STATE_EVENT_TYPE,
      data: state,
      // EventStoreDB's own names, so its UI links the saga to the request that started it.
      metadata: { $correlationId: state.origin.correlationId, $causationId: state.triggeredBy },
    });
    try {
      await this.client.appendToStream(streamOf(state.sagaId), event, { expectedRevision });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw conflict();
      throw error;
    }
    this.remember(state);
  }

  /**
   * The sagas the index selects, read again from their streams (which also tells the index
   * what other processes did to them) and selected again.
   */
  private async reload(select: (state: SagaState) => boolean): Promise<SagaState[]> {
    const candidates = [...this.active.values()].filter(select);
    const loaded = await Promise.all(candidates.map((state) => this.load(state.sagaId)));
    const current = loaded.filter((state): state is SagaState => state !== null);
    current.forEach((state) => this.remember(state));
    return current.filter(select);
  }

  private async rebuildIndex(): Promise<void> {
    const read = this.client.readAll();
    try {
      for await (const { event } of read) {
        if (
          event?.type === SAGA_STATE_EVENT_TYPE &&
          event.streamId.startsWith(SAGA_STREAM_PREFIX)
        ) {
          this.remember(stateOf(event.data));
        }
      }
    } finally {
      await read.cancel();
    }
  }

  private remember(state: SagaState): void {
    if (isActiveSaga(state)) this.active.set(state.sagaId, state);
    else this.active.delete(state.sagaId);
  }
}

const stateOf = (data: unknown): SagaState => {
  if (typeof data !== 'object' || data === null || data instanceof Uint8Array) {
    throw new Error('a saga state event does not hold a JSON object');
  }
  return data as SagaState;
};

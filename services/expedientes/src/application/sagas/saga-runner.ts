import {
  DomainError,
  IdGenerator,
  isActiveSaga,
  nameBasedId,
  SagaAlreadyExistsError,
  SagaDefinition,
  SagaOrchestrator,
  SagaState,
  SagaStore,
} from '@expedientes/shared-kernel';
import { RequestMetadata } from '../request';
import { failureOf, SagaFailure } from './saga-failures';

/** One wait for a saga: what it was told of the saga since it last looked. */
class SagaWatch {
  private told: SagaState | null = null;
  private wake: (() => void) | null = null;

  tell(saga: SagaState): void {
    if (!this.told || saga.version > this.told.version) this.told = saga;
    this.wake?.();
  }

  /** The newest state told since the last call, waiting up to `ms` for one; null if none. */
  async next(ms: number): Promise<SagaState | null> {
    if (!this.told) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.wake?.(), ms);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
    const told = this.told;
    this.told = null;
    return told;
  }
}

/**
 * Lets a request wait for the saga it started: told of the saga as this process's
 * orchestrator commits it, polling the store otherwise (another process moved it on).
 */
export class SagaWaiter {
  private readonly watches = new Map<string, Set<SagaWatch>>();

  constructor(
    private readonly store: Pick<SagaStore, 'load'>,
    private readonly pollIntervalMs = 250,
  ) {}

  /** The saga as it was just committed: whoever waits for it has it. */
  notify(saga: SagaState): void {
    for (const watch of this.watches.get(saga.sagaId) ?? []) watch.tell(saga);
  }

  /**
   * The saga once it has ended, or as it stands after `timeoutMs`. `known`: the saga as the
   * caller has just read or saved it, which then need not be loaded.
   */
  async waitForEnd(
    sagaId: string,
    timeoutMs: number,
    known?: SagaState,
  ): Promise<SagaState | null> {
    const deadline = Date.now() + timeoutMs;
    // Watching from before the first look, so that nothing told meanwhile is missed.
    const watch = new SagaWatch();
    const watches = this.watches.get(sagaId) ?? new Set();
    this.watches.set(sagaId, watches.add(watch));
    try {
      let state = known ?? (await this.store.load(sagaId));
      for (;;) {
        const left = deadline - Date.now();
        if (!state || !isActiveSaga(state) || left <= 0) return state;
        const told = await watch.next(Math.min(left, this.pollIntervalMs));
        state = told ? newest(state, told) : await this.store.load(sagaId);
      }
    } finally {
      watches.delete(watch);
      if (watches.size === 0) this.watches.delete(sagaId);
    }
  }
}

const newest = (a: SagaState, b: SagaState): SagaState => (b.version >= a.version ? b : a);

/** What a command that runs a saga answers: its result, or where to follow it. */
export type SagaCommandOutcome<TResult> =
  | { readonly status: 'done'; readonly result: TResult }
  | { readonly status: 'accepted'; readonly sagaId: string };

/** How a command reads the end of its saga. */
export interface SagaEnding<TData, TResult> {
  completed(data: TData, saga: SagaState<TData>): Promise<TResult>;
  /** The error to answer with when the saga did not complete. */
  refused(failure: SagaFailure, saga: SagaState<TData>): Error;
  /**
   * Whether the saga a request's Idempotency-Key started was started for what this request
   * asks (a key used for another request is refused).
   */
  sameRequest(stored: TData): boolean;
}

/** The caller used their Idempotency-Key for another request. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      'EXPEDIENTE.IDEMPOTENCY_KEY_REUSED',
      'rule',
      'Este Idempotency-Key ya se usó para otra petición: use uno nuevo para cada operación',
    );
  }
}

/**
 * The id of whatever a request names with its Idempotency-Key (`what`: a saga type, an
 * aggregate): the same for every try of it; undefined without a key.
 */
export const keyedId = (what: string, request: RequestMetadata): string | undefined =>
  request.idempotencyKey === undefined
    ? undefined
    : nameBasedId(what, request.actor.userId, request.idempotencyKey);

/**
 * Starts sagas for requests and waits a while for them to end. A saga that was stored is
 * never told as an error: when what follows its start fails (the broker is down, say), the
 * request is accepted with the saga to follow, which goes on once it can. A request with an
 * Idempotency-Key starts its saga under an id made from the key, so that a retry finds it and
 * answers with its outcome: when starting finds the saga there, or when the command's checks
 * refuse the retry because its own first try has moved the expediente on (`runChecked`). A
 * first try pays nothing for it.
 */
export class SagaRunner {
  constructor(
    private readonly orchestrator: Pick<SagaOrchestrator, 'start'>,
    private readonly waiter: SagaWaiter,
    /** How long a request waits before it is answered with the saga to follow. */
    private readonly waitMs: number,
    private readonly newId: IdGenerator,
  ) {}

  /**
   * Runs the command's checks, which make the saga's data, then the saga. When the checks
   * refuse a request whose key already started the saga, that saga's outcome is the answer.
   */
  async runChecked<TData, TResult>(
    definition: SagaDefinition<TData>,
    request: RequestMetadata,
    ending: SagaEnding<TData, TResult>,
    checked: () => Promise<TData>,
  ): Promise<SagaCommandOutcome<TResult>> {
    let data: TData;
    try {
      data = await checked();
    } catch (error) {
      const known = await this.ofKey(definition, request, ending);
      if (known) return known;
      throw error;
    }
    return this.run(definition, data, request, ending);
  }

  /** The outcome of the saga this request's key already started; null when there is none. */
  private async ofKey<TData, TResult>(
    definition: SagaDefinition<TData>,
    request: RequestMetadata,
    ending: SagaEnding<TData, TResult>,
  ): Promise<SagaCommandOutcome<TResult> | null> {
    const sagaId = keyedId(definition.type, request);
    const stored = sagaId && (await this.waiter.waitForEnd(sagaId, 0));
    if (!stored) return null;
    return this.outcomeOf(stored as SagaState<TData>, ending);
  }

  async run<TData, TResult>(
    definition: SagaDefinition<TData>,
    data: TData,
    request: RequestMetadata,
    ending: SagaEnding<TData, TResult>,
  ): Promise<SagaCommandOutcome<TResult>> {
    const sagaId = keyedId(definition.type, request) ?? this.newId();
    let started: SagaState<TData>;
    try {
      started = await this.orchestrator.start(definition, {
        sagaId,
        data,
        actor: request.actor,
        causedBy: { id: request.requestId, correlationId: request.correlationId },
      });
    } catch (error) {
      const stored = await this.waiter.waitForEnd(sagaId, 0).catch(() => null);
      // A retry that raced its first try to the start: the first one's saga is the answer.
      if (stored && error instanceof SagaAlreadyExistsError) {
        return this.outcomeOf(stored as SagaState<TData>, ending);
      }
      if (stored && isActiveSaga(stored)) return { status: 'accepted', sagaId };
      throw error;
    }
    return this.outcomeOf(started, ending, false);
  }

  /** Waits a while for the saga to end; its result, its refusal, or where to follow it. */
  private async outcomeOf<TData, TResult>(
    stored: SagaState<TData>,
    ending: SagaEnding<TData, TResult>,
    checkRequest = true,
  ): Promise<SagaCommandOutcome<TResult>> {
    if (checkRequest && !ending.sameRequest(stored.data)) throw new IdempotencyKeyReusedError();
    const saga = isActiveSaga(stored)
      ? (((await this.waiter.waitForEnd(stored.sagaId, this.waitMs, stored)) ??
          stored) as SagaState<TData>)
      : stored;
    if (isActiveSaga(saga)) return { status: 'accepted', sagaId: saga.sagaId };
    if (saga.status === 'completed') {
      return { status: 'done', result: await ending.completed(saga.data, saga) };
    }
    throw ending.refused(failureOf(saga.failureReason), saga);
  }
}

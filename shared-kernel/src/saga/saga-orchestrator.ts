import { isDomainError } from '../domain/domain-error';
import { Clock } from '../domain/domain-event';
import { Actor, Envelope, EnvelopeFactory, IdGenerator } from '../messaging/envelope';
import { InvalidMessageError } from '../messaging/message-registry';
import { topics } from '../messaging/topics';
import { describeError, Logger, silentLogger } from '../ports/logger';
import { MessageBus } from '../ports/message-bus';
import { SagaConcurrencyError, SagaStore } from '../ports/saga-store';
import {
  LocalAction,
  RemoteAction,
  SagaAction,
  SagaContext,
  SagaDefinition,
  StepOutcome,
} from './definition';
import { sagaReplyPayload } from './protocol';
import { isActiveSaga, PendingCommand, SagaState } from './state';

export type MessagePublisher = Pick<MessageBus, 'publish'>;

export interface SagaOrchestratorDependencies {
  /** Every saga this process orchestrates: replies are routed to them by the stored type. */
  readonly definitions: readonly SagaDefinition<unknown>[];
  readonly store: SagaStore;
  readonly publisher: MessagePublisher;
  readonly envelopes: EnvelopeFactory;
  /** Ids of new sagas. */
  readonly newId: IdGenerator;
  readonly clock: Clock;
  /** Where failed timeout checks are reported; silent by default. */
  readonly logger?: Logger;
  /** Runs each step (its local action, or sending its command), a trace span where traces are on. */
  readonly runStep?: StepRunner;
  /**
   * Told of each saga as this orchestrator has just committed it: whoever waits for a saga in
   * this process learns of its end here, without loading it again.
   */
  readonly onCommitted?: (saga: SagaState) => void;
}

/** How the orchestrator runs one step of a saga: `work` itself, by default. */
export type StepRunner = <T>(
  name: string,
  attributes: Readonly<Record<string, string>>,
  work: () => Promise<T>,
) => Promise<T>;

const justRun: StepRunner = (_name, _attributes, work) => work();

export interface StartSaga<TData> {
  readonly data: TData;
  readonly actor: Actor;
  /** The request that starts the saga: its correlation id travels on every command. */
  readonly causedBy: Pick<Envelope, 'id' | 'correlationId'>;
  /** A new id by default. */
  readonly sagaId?: string;
}

/**
 * handled: the reply answered the pending command and the saga moved on.
 * resumed: a redelivered reply; what it had caused was saved, and is now published or run.
 * ignored: no waiting saga expects it (unknown saga, ended saga, duplicate or late reply).
 */
export type ReplyOutcome = 'handled' | 'resumed' | 'ignored';

/** A saga's move not yet stored: from the saga as stored (null: not yet) to where it stands. */
interface Move {
  readonly stored: SagaState | null;
  readonly reached: SagaState;
}

export class UnknownSagaTypeError extends Error {
  constructor(type: string) {
    super(`no saga definition of type ${type} is registered with this orchestrator`);
    this.name = 'UnknownSagaTypeError';
  }
}

/** A reply to the pending command that its step does not declare: a protocol bug. */
export class UnexpectedSagaReplyError extends Error {
  constructor(saga: SagaState, replyType: string) {
    super(
      `saga ${saga.sagaId} (${saga.type}) at step ${saga.currentStep} does not expect reply ${replyType}`,
    );
    this.name = 'UnexpectedSagaReplyError';
  }
}

/**
 * Runs sagas: sends each step's command, moves on with the replies, compensates on failure and
 * timeout. Every transition is saved (with optimistic concurrency) before its command is
 * published or its local action runs; where the store can (`SagaStore.atomically`), the
 * local actions from one reply (or the start) up to the next command commit as one with the
 * saga, written once where they lead, so that a failure among them leaves the saga where it
 * stood before them. Thus:
 * - a process killed at any point finishes its sagas after `resume()`: it re-publishes each
 *   pending command with its saved id (participants deduplicate), or re-runs the local action
 *   the saga stands at (local actions are idempotent);
 * - of two processes moving one saga on (a reply racing a timeout), one save fails and that
 *   one does nothing;
 * - a local action that throws an unexpected error (not a DomainError) leaves the saga at its
 *   step, or where it stood before the reply that led there when they commit as one (at the
 *   start: not stored, and the start throws): the redelivery of that reply, or the next
 *   `resume()`, runs it again.
 * Replies come in through `handleReply`, subscribed by the composition root to `replyTopics`.
 */
export class SagaOrchestrator {
  /** The reply topics of every participant of the registered sagas. */
  readonly replyTopics: readonly string[];
  private readonly definitions = new Map<string, SagaDefinition<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  /** Sagas whose pending command could not be published: sent again at each check. */
  private readonly unsent = new Set<string>();

  constructor(private readonly deps: SagaOrchestratorDependencies) {
    for (const definition of deps.definitions) {
      if (this.definitions.has(definition.type)) {
        throw new Error(`saga type ${definition.type} is registered twice`);
      }
      this.definitions.set(definition.type, definition);
    }
    const participants = deps.definitions.flatMap((definition) =>
      definition.steps.flatMap((step) => [step.action, step.compensation]),
    );
    this.replyTopics = [
      ...new Set(
        participants.flatMap((action) =>
          action?.kind === 'remote' ? [topics.replies(action.participant)] : [],
        ),
      ),
    ];
  }

  async start<TData>(
    definition: SagaDefinition<TData>,
    request: StartSaga<TData>,
  ): Promise<SagaState<TData>> {
    const registered = this.definitionOf(definition.type);
    const now = this.now();
    const initial: SagaState = {
      sagaId: request.sagaId ?? this.deps.newId(),
      type: definition.type,
      status: 'running',
      currentStep: 0,
      data: request.data,
      pending: null,
      failureReason: null,
      compensationFailures: [],
      origin: {
        key: definition.key(request.data),
        actor: request.actor,
        correlationId: request.causedBy.correlationId,
      },
      triggeredBy: request.causedBy.id,
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    const created = this.enter(registered, initial, 'running', 0);
    return (await this.advance(registered, { stored: null, reached: created })) as SagaState<TData>;
  }

  async handleReply(reply: Envelope): Promise<ReplyOutcome> {
    const saga = await this.deps.store.load(sagaIdOf(reply));
    const definition = saga && this.definitions.get(saga.type);
    if (!saga || !definition || !isActiveSaga(saga)) return 'ignored';
    if (reply.id === saga.triggeredBy) {
      await this.drive(definition, saga);
      return 'resumed';
    }
    if (!saga.pending || saga.pending.envelope.id !== reply.causationId) return 'ignored';
    const handler = actionAt(definition, saga, 'remote').replies.find(
      (each) => each.contract.type === reply.type,
    );
    if (!handler) throw new UnexpectedSagaReplyError(saga, reply.type);
    const answered = { ...saga, triggeredBy: reply.id };
    const next = this.afterStep(definition, answered, handler.read(saga.data, reply.payload));
    await this.moveOn(definition, saga, next);
    return 'handled';
  }

  /** At start-up: carries on every running and compensating saga. Returns how many. */
  async resume(): Promise<number> {
    return this.eachOwnSaga(await this.deps.store.findActive(), (saga, definition) =>
      this.drive(definition, saga),
    );
  }

  /**
   * Past its deadline, a forward step fails and the saga compensates, that step included (the
   * participant may have done it without answering in time). A compensation is never given
   * up: it is sent again, as a new attempt, until a participant answers. First, a command that
   * this process could not publish (the broker was down) is sent again, with its saved id.
   */
  async checkTimeouts(now: Date = this.deps.clock()): Promise<number> {
    await this.sendUnsent();
    const due = await this.deps.store.findWithDeadlineBefore(now);
    return this.eachOwnSaga(due, async (saga, definition) => {
      const { pending } = saga;
      if (!pending || !isActiveSaga(saga)) return;
      const waited = { ...saga, triggeredBy: pending.envelope.id };
      const next =
        saga.status === 'running'
          ? this.enter(
              definition,
              {
                ...waited,
                failureReason: `no reply to ${pending.envelope.type} by ${pending.deadline}`,
              },
              'compensating',
              saga.currentStep,
            )
          : {
              ...waited,
              pending: this.command(
                waited,
                actionAt(definition, saga, 'remote'),
                pending.attempt + 1,
              ),
            };
      await this.moveOn(definition, saga, next);
    });
  }

  /**
   * Calls `checkTimeouts` every `intervalMs` (never two at once) until `stopTimeoutChecks`. A
   * failed check is logged and the next one runs anyway.
   */
  startTimeoutChecks(intervalMs = 1_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.checking) return;
      this.checking = this.checkTimeouts()
        .then(
          () => undefined,
          (error: unknown) => this.logCheckFailure(error),
        )
        .finally(() => {
          this.checking = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a check in progress. */
  async stopTimeoutChecks(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
  }

  /**
   * From a saved saga: publishes its pending command, or runs the local action it stands at and
   * saves where that leads, until the saga waits for a reply or has ended.
   */
  private drive(definition: SagaDefinition<unknown>, saved: SagaState): Promise<SagaState> {
    return this.advance(definition, { stored: saved, reached: saved });
  }

  /** Saves the saga's move from `previous` to `next`, then drives it from there. */
  private moveOn(
    definition: SagaDefinition<unknown>,
    previous: SagaState,
    next: SagaState,
  ): Promise<SagaState> {
    return this.advance(definition, { stored: previous, reached: next });
  }

  /**
   * Saves `move`, runs the local steps from there, then publishes the pending command. Where
   * the store can (`SagaStore.atomically`), they commit as one: should any of them fail, the
   * saga stands where it stood before, which is redone the same; and the saga is written once,
   * where it ends up, against the version it was read at (what it passed through on the way
   * is never seen by anyone). Elsewhere each move is saved before the next local action runs.
   * The command is published only after that commit.
   */
  private async advance(definition: SagaDefinition<unknown>, move: Move): Promise<SagaState> {
    const sagas = this.deps.store;
    const reached = sagas.atomically
      ? await sagas.atomically(async () =>
          this.write(await this.runLocalSteps(definition, move, async (each) => each)),
        )
      : (await this.runLocalSteps(definition, move, async (each) => this.written(each))).reached;
    this.deps.onCommitted?.(reached);
    return this.publishPending(definition, reached);
  }

  /**
   * Runs the local action the saga stands at, and moves on from where it leads, until the saga
   * waits or ends; `checkpoint` takes each move (saves it, or keeps it for one write at the end).
   */
  private async runLocalSteps(
    definition: SagaDefinition<unknown>,
    move: Move,
    checkpoint: (move: Move) => Promise<Move>,
  ): Promise<Move> {
    let at = await checkpoint(move);
    while (isActiveSaga(at.reached) && !at.reached.pending) {
      const { stored, reached } = at;
      at = await this.step(definition, reached, async () =>
        checkpoint({ stored, reached: await this.runLocal(definition, reached) }),
      );
    }
    return at;
  }

  /** `move` saved: it starts from the saga as now stored. */
  private async written(move: Move): Promise<Move> {
    const saved = await this.write(move);
    return { stored: saved, reached: saved };
  }

  /** Publishes the saga's pending command, if it has one. */
  private async publishPending(
    definition: SagaDefinition<unknown>,
    saga: SagaState,
  ): Promise<SagaState> {
    const { pending } = saga;
    if (pending) {
      try {
        // The saga is saved with its pending command, which `resume()` publishes again after
        // any crash: the bus need not have it on the disk before answering.
        await this.step(definition, saga, () =>
          this.deps.publisher.publish(pending.topic, [pending.envelope], { redoneIfLost: true }),
        );
      } catch (error) {
        this.unsent.add(saga.sagaId);
        throw error;
      }
    }
    this.unsent.delete(saga.sagaId);
    return saga;
  }

  /** Runs `work` as the step the saga stands at (its name: `saga <type> <step>`). */
  private step<T>(
    definition: SagaDefinition<unknown>,
    saga: SagaState,
    work: () => Promise<T>,
  ): Promise<T> {
    const step = definition.steps[saga.currentStep]?.name ?? 'end';
    const attributes = { 'saga.id': saga.sagaId, 'saga.status': saga.status };
    return (this.deps.runStep ?? justRun)(`saga ${definition.type} ${step}`, attributes, work);
  }

  /** Publishes again what could not be; a saga moved on meanwhile has nothing left to send. */
  private async sendUnsent(): Promise<void> {
    for (const sagaId of [...this.unsent]) {
      const saga = await this.deps.store.load(sagaId);
      if (!saga?.pending || !isActiveSaga(saga)) {
        this.unsent.delete(sagaId);
        continue;
      }
      // Still unsent: it stays for the next check, and the deadlines are checked meanwhile.
      await this.drive(this.definitionOf(saga.type), saga).catch(() => undefined);
    }
  }

  private async runLocal(definition: SagaDefinition<unknown>, saga: SagaState): Promise<SagaState> {
    const context = contextOf(saga);
    if (saga.status === 'compensating' && saga.currentStep < 0) {
      await definition.onFailed?.(saga.data, saga.failureReason ?? 'unknown', context);
      return { ...saga, status: saga.compensationFailures.length > 0 ? 'failed' : 'compensated' };
    }
    const action = actionAt(definition, saga, 'local');
    return this.afterStep(definition, saga, await runLocalAction(action, saga.data, context));
  }

  /** Success moves on in the saga's direction; a failure starts (or goes on) compensating. */
  private afterStep(
    definition: SagaDefinition<unknown>,
    saga: SagaState,
    outcome: StepOutcome<unknown>,
  ): SagaState {
    const { currentStep } = saga;
    if (outcome.ok) {
      const direction = saga.status === 'running' ? 1 : -1;
      return this.enter(
        definition,
        { ...saga, data: outcome.data },
        saga.status,
        currentStep + direction,
      );
    }
    if (saga.status === 'running') {
      // The failed step did nothing (a refusal), so compensation starts with the step before.
      return this.enter(
        definition,
        { ...saga, failureReason: outcome.reason },
        'compensating',
        currentStep - 1,
      );
    }
    // A refused compensation is noted and the others still run, to undo as much as can be.
    const refused = `${definition.steps[currentStep].name}: ${outcome.reason}`;
    const failures = [...saga.compensationFailures, refused];
    return this.enter(
      definition,
      { ...saga, compensationFailures: failures },
      'compensating',
      currentStep - 1,
    );
  }

  /**
   * Places the saga at `step` (compensating: at the nearest step before it that has a
   * compensation, or at -1 for `onFailed`); a remote action's command is made here, to be saved
   * with the state before it is published.
   */
  private enter(
    definition: SagaDefinition<unknown>,
    saga: SagaState,
    status: SagaState['status'],
    step: number,
  ): SagaState {
    let at = step;
    while (status === 'compensating' && at >= 0 && !definition.steps[at].compensation) at -= 1;
    const placed: SagaState = { ...saga, status, currentStep: at, pending: null };
    if (status === 'running' && at === definition.steps.length) {
      return { ...placed, status: 'completed' };
    }
    if (at < 0) return placed;
    const action = actionAt(definition, placed);
    return action.kind === 'remote'
      ? { ...placed, pending: this.command(placed, action, 1) }
      : placed;
  }

  private command(saga: SagaState, action: RemoteAction<unknown>, attempt: number): PendingCommand {
    const envelope = this.deps.envelopes.create({
      type: action.command.type,
      schemaVersion: action.command.schemaVersion,
      key: saga.origin.key,
      actor: saga.origin.actor,
      causedBy: { id: saga.triggeredBy, correlationId: saga.origin.correlationId },
      payload: { ...action.payload(saga.data), sagaId: saga.sagaId },
    });
    const deadline = new Date(this.deps.clock().getTime() + action.timeoutMs).toISOString();
    return { topic: topics.commands(action.participant), envelope, deadline, attempt };
  }

  /** Stores where the saga has reached: a new saga, or over the version it was read at. */
  private async write({ stored, reached }: Move): Promise<SagaState> {
    if (reached === stored) return reached;
    if (!stored) {
      await this.deps.store.create(reached);
      return reached;
    }
    const saved = { ...reached, version: stored.version + 1, updatedAt: this.now() };
    await this.deps.store.save(saved, stored.version);
    return saved;
  }

  /**
   * Works on each saga of a type this orchestrator runs (a store may hold others' too) apart,
   * so one failing does not hold up the others; their errors are thrown together at the end.
   * A concurrency conflict means another transition moved the saga on meanwhile: nothing is
   * left to do for it. Returns how many sagas were this orchestrator's.
   */
  private async eachOwnSaga(
    sagas: readonly SagaState[],
    work: (saga: SagaState, definition: SagaDefinition<unknown>) => Promise<unknown>,
  ): Promise<number> {
    const own = sagas.filter((saga) => this.definitions.has(saga.type));
    const errors: unknown[] = [];
    for (const saga of own) {
      try {
        await work(saga, this.definitionOf(saga.type));
      } catch (error) {
        if (!(error instanceof SagaConcurrencyError)) errors.push(error);
      }
    }
    if (errors.length > 0) {
      throw new AggregateError(errors, `${errors.length} of ${own.length} sagas failed`);
    }
    return own.length;
  }

  private logCheckFailure(error: unknown): void {
    const logger = this.deps.logger ?? silentLogger;
    for (const each of error instanceof AggregateError ? error.errors : [error]) {
      logger.error({ error: describeError(each) }, 'saga timeout check failed');
    }
  }

  private definitionOf(type: string): SagaDefinition<unknown> {
    const definition = this.definitions.get(type);
    if (!definition) throw new UnknownSagaTypeError(type);
    return definition;
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }
}

const sagaIdOf = (reply: Envelope): string => {
  const parsed = sagaReplyPayload.safeParse(reply.payload);
  if (!parsed.success)
    throw new InvalidMessageError(`reply ${reply.type} ${reply.id} carries no sagaId`);
  return parsed.data.sagaId;
};

type ActionKind = SagaAction<unknown>['kind'];

/**
 * The action the saga stands at: its step's action while running, its compensation after.
 * A state its definition cannot explain (the definition changed under a stored saga) throws.
 */
function actionAt(definition: SagaDefinition<unknown>, saga: SagaState): SagaAction<unknown>;
function actionAt<TKind extends ActionKind>(
  definition: SagaDefinition<unknown>,
  saga: SagaState,
  kind: TKind,
): Extract<SagaAction<unknown>, { kind: TKind }>;
function actionAt(
  definition: SagaDefinition<unknown>,
  saga: SagaState,
  kind?: ActionKind,
): SagaAction<unknown> {
  const step = definition.steps[saga.currentStep];
  const action = saga.status === 'running' ? step?.action : step?.compensation;
  if (!action || (kind && action.kind !== kind)) {
    throw new Error(
      `saga ${saga.sagaId} (${saga.type}) stands at step ${saga.currentStep} (${saga.status}), ` +
        `where its definition has no ${kind ?? ''} action`,
    );
  }
  return action;
}

const contextOf = (saga: SagaState): SagaContext => ({
  sagaId: saga.sagaId,
  key: saga.origin.key,
  actor: saga.origin.actor,
  correlationId: saga.origin.correlationId,
  causationId: saga.triggeredBy,
});

/** A DomainError is the model refusing: the step fails. Anything else goes up to be retried. */
async function runLocalAction(
  action: LocalAction<unknown>,
  data: unknown,
  context: SagaContext,
): Promise<StepOutcome<unknown>> {
  try {
    const result = await action.run(data, context);
    return { ok: true, data: result === undefined ? data : result };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { ok: false, reason: `${error.code}: ${error.message}` };
  }
}

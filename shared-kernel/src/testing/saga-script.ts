import { Actor, Envelope, EnvelopeFactory } from '../messaging/envelope';
import { MessageRegistry } from '../messaging/message-registry';
import { topics } from '../messaging/topics';
import { SagaStore } from '../ports/saga-store';
import { contractsOf, SagaDefinition } from '../saga/definition';
import { MessagePublisher, SagaOrchestrator } from '../saga/saga-orchestrator';
import { SagaState, SagaStatus } from '../saga/state';
import { InMemorySagaStore } from './in-memory-saga-store';

export interface SagaScriptOptions {
  /** An in-memory store by default. */
  readonly store?: SagaStore;
  /** Where the fake clock starts. */
  readonly startAt?: Date;
}

export interface ScriptStart {
  readonly actor?: Actor;
  readonly causedBy?: Pick<Envelope, 'id' | 'correlationId'>;
  readonly sagaId?: string;
}

/** Thrown by the fake bus to kill the process between saving a state and publishing. */
class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash before publishing');
  }
}

const defaultActor: Actor = { userId: 'tramitadora', roles: ['tramitador'] };
const defaultRequest = { id: 'request-1', correlationId: 'correlation-1' };

/**
 * A saga tested as a message script, with no infrastructure: the saga's commands are checked
 * one by one as it sends them, replies are given as the participants would, time moves on a
 * fake clock, and a restart builds a new orchestrator on the same store.
 *
 *   await sagaScript(openExpediente)
 *     .start(data)
 *     .expectCommand('documents.RegisterDocuments', { expedienteId: 'exp-1' })
 *     .reply('documents.DocumentsRegistered', { documentIds: ['d1'] })
 *     .expectCommand('bpm.StartProcess')
 *     .advanceTime(60_000)
 *     .expectCommand('documents.DiscardDocuments')
 *     ...
 *     .expectCompensated(/no reply/);
 *
 * Nothing runs until the script is awaited. Every command is checked against its contract, its
 * topic, the actor and correlation of the start, and against the store (it must be the saga's
 * saved pending command: saved before published). A command the script does not expect fails
 * it at the end.
 */
export function sagaScript<TData>(
  definition: SagaDefinition<TData>,
  options: SagaScriptOptions = {},
): SagaScript<TData> {
  return new SagaScript(definition, options);
}

export class SagaScript<TData> implements PromiseLike<void> {
  readonly store: SagaStore;
  private readonly steps: { label: string; run: () => Promise<void> }[] = [];
  private readonly registry: MessageRegistry;
  private readonly participantOf = new Map<string, string>();
  private readonly envelopes: EnvelopeFactory;
  private now: Date;
  private lastId = 0;
  private orchestrator: SagaOrchestrator | null = null;
  private sagaId = 'saga-1';
  /** What every command must carry from the start of the saga. */
  private started: Pick<Envelope, 'key' | 'actor' | 'correlationId'> | null = null;
  /** Published and not yet expected, in order. */
  private unchecked: Envelope[] = [];
  private expected: Envelope[] = [];
  private lastReply: Envelope | null = null;
  private crashBeforePublish = false;
  private outcome: Promise<void> | null = null;

  constructor(
    private readonly definition: SagaDefinition<unknown>,
    options: SagaScriptOptions,
  ) {
    this.store = options.store ?? new InMemorySagaStore();
    this.now = options.startAt ?? new Date('2030-01-01T09:00:00.000Z');
    this.envelopes = new EnvelopeFactory(this.newId, this.clock);
    this.registry = new MessageRegistry(contractsOf(definition));
    for (const step of definition.steps) {
      for (const action of [step.action, step.compensation]) {
        if (action?.kind === 'remote') {
          this.participantOf.set(action.command.type, action.participant);
        }
      }
    }
  }

  start(data: TData, request: ScriptStart = {}): this {
    return this.step('start', async () => {
      this.sagaId = request.sagaId ?? this.sagaId;
      const causedBy = request.causedBy ?? defaultRequest;
      const actor = request.actor ?? defaultActor;
      const key = this.definition.key(data);
      this.started = { key, actor, correlationId: causedBy.correlationId };
      const orchestrator = this.newOrchestrator();
      this.orchestrator = orchestrator;
      await this.unlessCrashed(() =>
        orchestrator.start(this.definition, { data, causedBy, actor, sagaId: this.sagaId }),
      );
    });
  }

  /** The next command sent is of `type`, its payload containing `payload`. */
  expectCommand(type: string, payload: Record<string, unknown> = {}): this {
    return this.step(`expectCommand ${type}`, async () => {
      const command = this.nextCommand();
      expect(command.type).toBe(type);
      expect(command.payload).toMatchObject({ ...payload, sagaId: this.sagaId });
      this.expected.push(command);
    });
  }

  /** The next command sent is the last one expected again, with the same id. */
  expectCommandResent(): this {
    return this.step('expectCommandResent', async () => {
      const previous = this.expected.at(-1);
      if (!previous) throw new Error('no command was expected before');
      expect(this.nextCommand()).toEqual(previous);
    });
  }

  expectNoCommand(): this {
    return this.step('expectNoCommand', async () => {
      expect(this.unchecked.map((command) => command.type)).toEqual([]);
    });
  }

  /**
   * A participant answers the last command expected (or the last of type `options.to`). The
   * payload gets the saga's id; the reply names the command as its cause.
   */
  reply(type: string, payload: Record<string, unknown> = {}, options: { to?: string } = {}): this {
    return this.step(`reply ${type}`, async () => {
      const command = [...this.expected]
        .reverse()
        .find((each) => !options.to || each.type === options.to);
      if (!command) throw new Error(`no command ${options.to ?? ''} was expected to answer`);
      const reply = this.envelopes.create({
        type,
        key: command.key,
        actor: command.actor,
        causedBy: command,
        payload: { ...payload, sagaId: this.sagaId },
      });
      this.registry.assertValid(reply);
      this.lastReply = reply;
      await this.deliver(reply);
    });
  }

  /** The bus delivers the last reply again, as after a consumer failover. */
  replyAgain(): this {
    return this.step('replyAgain', async () => {
      if (!this.lastReply) throw new Error('no reply was given before');
      await this.deliver(this.lastReply);
    });
  }

  /** Moves the fake clock on and lets the orchestrator check its deadlines. */
  advanceTime(ms: number): this {
    return this.step(`advanceTime ${ms}`, async () => {
      this.now = new Date(this.now.getTime() + ms);
      const orchestrator = this.running();
      await this.unlessCrashed(() => orchestrator.checkTimeouts(this.now));
    });
  }

  /** The process dies right after its next save: what it was about to publish is not sent. */
  crashBeforeNextPublish(): this {
    return this.step('crashBeforeNextPublish', async () => {
      this.crashBeforePublish = true;
    });
  }

  /** A new process: a new orchestrator on the same store, resuming the sagas it finds. */
  restart(): this {
    return this.step('restart', async () => {
      this.orchestrator = this.newOrchestrator();
      await this.orchestrator.resume();
    });
  }

  expectCompleted(): this {
    return this.expectEnd('completed');
  }

  /** Compensated, its failure reason containing (or matching) `reason`. */
  expectCompensated(reason?: string | RegExp): this {
    return this.expectEnd('compensated', reason);
  }

  /** Failed: a compensation was refused. */
  expectFailed(reason?: string | RegExp): this {
    return this.expectEnd('failed', reason);
  }

  expectStatus(status: SagaStatus): this {
    return this.expectState((state) => expect(state.status).toBe(status));
  }

  expectData(data: Partial<TData>): this {
    return this.expectState((state) => expect(state.data).toMatchObject(data));
  }

  expectState(assert: (state: SagaState<TData>) => void): this {
    return this.step('expectState', async () => {
      const state = await this.store.load(this.sagaId);
      if (!state) throw new Error(`saga ${this.sagaId} was never stored`);
      assert(state as SagaState<TData>);
    });
  }

  then<TResult1 = void, TResult2 = never>(
    onfulfilled?: ((value: void) => TResult1 | PromiseLike<TResult1>) | null,
    onrejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): PromiseLike<TResult1 | TResult2> {
    this.outcome ??= this.run();
    return this.outcome.then(onfulfilled, onrejected);
  }

  private async run(): Promise<void> {
    for (const [index, step] of this.steps.entries()) {
      try {
        await step.run();
      } catch (error) {
        if (error instanceof Error)
          error.message = `saga script step ${index + 1} (${step.label}):\n${error.message}`;
        throw error;
      }
    }
    if (this.unchecked.length > 0) {
      throw new Error(
        `the saga sent commands the script does not expect: ${this.unchecked.map((c) => c.type).join(', ')}`,
      );
    }
  }

  private step(label: string, run: () => Promise<void>): this {
    if (this.outcome) throw new Error('the script has run already: add steps before awaiting it');
    this.steps.push({ label, run });
    return this;
  }

  private expectEnd(status: SagaStatus, reason?: string | RegExp): this {
    return this.expectState((state) => {
      expect(this.unchecked.map((command) => command.type)).toEqual([]);
      expect({ status: state.status, pending: state.pending }).toEqual({ status, pending: null });
      if (reason !== undefined) expect(state.failureReason).toMatch(reason);
    });
  }

  private async deliver(reply: Envelope): Promise<void> {
    const orchestrator = this.running();
    await this.unlessCrashed(() => orchestrator.handleReply(reply));
  }

  private nextCommand(): Envelope {
    const command = this.unchecked.shift();
    if (!command) throw new Error('the saga sent no further command');
    return command;
  }

  private running(): SagaOrchestrator {
    if (!this.orchestrator)
      throw new Error('the process crashed or never started: restart() or start() first');
    return this.orchestrator;
  }

  private async unlessCrashed(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof SimulatedCrash)) throw error;
      this.orchestrator = null;
    }
  }

  private newOrchestrator(): SagaOrchestrator {
    return new SagaOrchestrator({
      definitions: [this.definition],
      store: this.store,
      publisher: this.publisher,
      envelopes: this.envelopes,
      newId: this.newId,
      clock: this.clock,
    });
  }

  /** Records what the saga sends, after checking it is a well-formed command already saved. */
  private readonly publisher: MessagePublisher = {
    publish: async (topic, messages) => {
      if (this.crashBeforePublish) {
        this.crashBeforePublish = false;
        throw new SimulatedCrash();
      }
      for (const command of messages) {
        this.registry.assertValid(command);
        expect(topic).toBe(topics.commands(this.participantOf.get(command.type) ?? '?'));
        expect(command).toMatchObject(this.started ?? {});
        const saved = await this.store.load(this.sagaId);
        expect(saved?.pending?.envelope).toEqual(command);
        this.unchecked.push(command);
      }
    },
  };

  private readonly newId = (): string => `id-${++this.lastId}`;
  private readonly clock = (): Date => new Date(this.now.getTime());
}

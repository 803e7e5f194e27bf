import { Actor } from '../messaging/envelope';
import { MessageContract } from '../messaging/message-registry';
import { SagaCommandPayload, SagaReplyPayload } from './protocol';

/** What a local action knows besides the saga's data: enough to record events in its name. */
export interface SagaContext {
  readonly sagaId: string;
  readonly key: string;
  readonly actor: Actor;
  readonly correlationId: string;
  /** The message that moved the saga here; the causation id of what the action records. */
  readonly causationId: string;
}

export type StepOutcome<TData> =
  { readonly ok: true; readonly data: TData } | { readonly ok: false; readonly reason: string };

/** How a step reads one of the replies it expects. */
export interface ReplyHandler<TData> {
  readonly contract: MessageContract;
  read(data: TData, payload: unknown): StepOutcome<TData>;
}

/** Sends a command to a participant and waits for one of its replies. */
export interface RemoteAction<TData> {
  readonly kind: 'remote';
  readonly participant: string;
  readonly command: MessageContract;
  /** How long to wait for a reply before the deadline. */
  readonly timeoutMs: number;
  readonly replies: readonly ReplyHandler<TData>[];
  /** The command's payload without `sagaId`, which the orchestrator adds. */
  payload(data: TData): Record<string, unknown>;
}

/**
 * Work inside the orchestrating service. It may return new data. Throwing a DomainError fails
 * the step; any other error is left to the caller (the message is retried), as it is likely
 * transient. It may run twice after a crash, so it must be idempotent.
 */
export interface LocalAction<TData> {
  readonly kind: 'local';
  run(data: TData, context: SagaContext): Promise<TData | void>;
}

export type SagaAction<TData> = RemoteAction<TData> | LocalAction<TData>;

/** One step, its compensation declared beside it. */
export interface SagaStep<TData> {
  readonly name: string;
  readonly action: SagaAction<TData>;
  /** Undoes `action` once it has succeeded; steps that change nothing need none. */
  readonly compensation?: SagaAction<TData>;
}

export interface SagaDefinition<TData> {
  /** Stable name, stored with every saga: `expedientes.OpenExpediente`. */
  readonly type: string;
  readonly steps: readonly SagaStep<TData>[];
  /** Kafka key of every command: the expediente id, so its messages stay ordered. */
  key(data: TData): string;
  /** Runs last when the saga did not complete, once the compensations are done. */
  onFailed?(data: TData, reason: string, context: SagaContext): Promise<void>;
}

export class InvalidSagaDefinitionError extends Error {
  constructor(type: string, problem: string) {
    super(`saga ${type}: ${problem}`);
    this.name = 'InvalidSagaDefinitionError';
  }
}

const remoteActionsOf = <TData>(step: SagaStep<TData>): RemoteAction<TData>[] =>
  [step.action, step.compensation].filter(
    (action): action is RemoteAction<TData> => action?.kind === 'remote',
  );

/** Checks a definition once, where it is declared. */
export function defineSaga<TData>(definition: SagaDefinition<TData>): SagaDefinition<TData> {
  const fail = (problem: string): never => {
    throw new InvalidSagaDefinitionError(definition.type, problem);
  };
  if (definition.steps.length === 0) fail('has no steps');
  const names = definition.steps.map((step) => step.name);
  if (new Set(names).size !== names.length) fail(`repeats a step name in ${names.join(', ')}`);
  for (const step of definition.steps) {
    for (const action of remoteActionsOf(step)) {
      const types = action.replies.map((reply) => reply.contract.type);
      if (types.length === 0) fail(`step ${step.name} expects no reply to ${action.command.type}`);
      if (new Set(types).size !== types.length) fail(`step ${step.name} handles a reply twice`);
      if (!(action.timeoutMs > 0)) fail(`step ${step.name} needs a positive timeout`);
    }
  }
  return definition;
}

/** The messages a definition sends and expects, each once: for registries and test scripts. */
export function contractsOf<TData>(definition: SagaDefinition<TData>): MessageContract[] {
  const contracts = new Map<string, MessageContract>();
  for (const action of definition.steps.flatMap(remoteActionsOf)) {
    for (const contract of [action.command, ...action.replies.map((reply) => reply.contract)]) {
      contracts.set(`${contract.type}@${contract.schemaVersion}`, contract);
    }
  }
  return [...contracts.values()];
}

export interface InvokeOptions<TData, TCommand> {
  payload: (data: TData) => Omit<TCommand, 'sagaId'>;
  timeoutMs: number;
  replies: readonly ReplyHandler<TData>[];
}

/** A command to `participant`, on `topics.commands(participant)`. */
export const invoke = <TData, TCommand extends SagaCommandPayload>(
  participant: string,
  command: MessageContract<TCommand>,
  options: InvokeOptions<TData, TCommand>,
): RemoteAction<TData> => ({
  kind: 'remote',
  participant,
  command,
  timeoutMs: options.timeoutMs,
  replies: options.replies,
  payload: options.payload,
});

export const local = <TData>(
  run: (data: TData, context: SagaContext) => Promise<TData | void>,
): LocalAction<TData> => ({ kind: 'local', run });

/** A reply meaning the step is done, optionally keeping what it says in the saga's data. */
export const onSuccess = <TData, TReply extends SagaReplyPayload>(
  reply: MessageContract<TReply>,
  update?: (data: TData, reply: TReply) => TData,
): ReplyHandler<TData> => ({
  contract: reply,
  read: (data, payload) => {
    const parsed = reply.payload.parse(payload);
    return { ok: true, data: update ? update(data, parsed) : data };
  },
});

/** A reply meaning the participant refused; the reason defaults to the payload's `reason`. */
export const onFailure = <TData, TReply extends SagaReplyPayload>(
  reply: MessageContract<TReply>,
  reason: (reply: TReply) => string = (parsed) => reasonIn(parsed) ?? reply.type,
): ReplyHandler<TData> => ({
  contract: reply,
  read: (_data, payload) => ({ ok: false, reason: reason(reply.payload.parse(payload)) }),
});

const reasonIn = (payload: object): string | undefined =>
  'reason' in payload && typeof payload.reason === 'string' ? payload.reason : undefined;

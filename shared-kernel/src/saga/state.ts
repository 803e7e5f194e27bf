import { Actor, Envelope } from '../messaging/envelope';

/**
 * - running: doing its steps forward.
 * - compensating: undoing the completed steps, last first, then running `onFailed`.
 * - completed: every step succeeded.
 * - compensated: a step failed and everything done before it was undone.
 * - failed: a step failed and a participant refused to undo its part: a person must look.
 */
export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated' | 'failed';

export const activeSagaStatuses: readonly SagaStatus[] = ['running', 'compensating'];

export const isActiveSaga = (state: Pick<SagaState, 'status'>): boolean =>
  activeSagaStatuses.includes(state.status);

/** The command a saga waits on, saved before it is published and re-sent as is on resume. */
export type PendingCommand = {
  readonly topic: string;
  readonly envelope: Envelope;
  /** ISO-8601; past it, a forward step fails and a compensation is sent again. */
  readonly deadline: string;
  /** 1 for the first send; compensations count their re-sends. */
  readonly attempt: number;
};

/** The request that started the saga: every command carries its key, actor and correlation. */
export type SagaOrigin = {
  readonly key: string;
  readonly actor: Actor;
  readonly correlationId: string;
};

/**
 * Where one saga stands, as stored. Only the orchestrator moves it on, one saved transition at
 * a time. Plain JSON (times as ISO-8601), so every store keeps it as it is.
 */
export type SagaState<TData = unknown> = {
  readonly sagaId: string;
  /** The definition's type, e.g. `expedientes.OpenExpediente`. */
  readonly type: string;
  readonly status: SagaStatus;
  /**
   * Running: the step being done (steps.length once completed). Compensating: the step being
   * undone, or -1 while `onFailed` runs.
   */
  readonly currentStep: number;
  readonly data: TData;
  /** Null while a local action runs and once the saga has ended. */
  readonly pending: PendingCommand | null;
  /** Why the saga is compensating; null while all goes well. */
  readonly failureReason: string | null;
  /** Compensations a participant refused, as `<step>: <reason>`; any makes the end `failed`. */
  readonly compensationFailures: readonly string[];
  readonly origin: SagaOrigin;
  /** Id of the message that moved the saga to where it stands: the cause of its next command. */
  readonly triggeredBy: string;
  /** 0 when created, +1 on every save: the expected version of the next save. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
};

import { Actor, describeError, IdentityVerifier } from '@expedientes/shared-kernel';
import { problemFor } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { Outcome } from '../../model/expedientes';
import { CallContext } from '../../ports/caller';
import {
  parseServiceAnswer,
  ServiceFailedError,
  ServiceOutcomeUnknownError,
  ServiceRefusalError,
  ServiceTimeoutError,
} from '../http/service-errors';
import { asOverTheWire } from './as-over-the-wire';

/** Who calls a service's endpoints: the actor of the verified token, and the request's ids. */
export interface InProcessCaller {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly idempotencyKey?: string;
}

/** What a saga command's use case answers: its result, or the saga to follow. */
export type SagaOutcome<TResult> =
  | { readonly status: 'accepted'; readonly sagaId: string }
  | { readonly status: 'done'; readonly result: TResult };

/**
 * A service's endpoints called in this process (the embedded mode), as its HTTP API would
 * answer them: the same roles, validation and refusals, without a request, a response, two
 * JSON encodings and a second pass through the service's HTTP middleware on each call.
 * Answers are read as they would come over the wire (`asOverTheWire`), by the gateway's
 * schemas, so that both modes hand the gateway the same values; a refusal is passed on as the
 * same problem, a failure is the same 502, a call that outlasts the deadline the same 504.
 */
export class InProcessService {
  constructor(
    readonly name: string,
    /** The caller's token, already checked by the gateway: verified again from its cache. */
    private readonly identity: IdentityVerifier,
    private readonly timeoutMs: number,
    /** Takes every commit so far to the disk (the platform database's flush). */
    private readonly onDisk: () => Promise<void>,
  ) {}

  /** A read: what `work` answers, read as `schema` says. */
  async read<TSchema extends z.ZodType>(
    call: CallContext,
    schema: TSchema,
    work: (caller: InProcessCaller) => Promise<unknown>,
  ): Promise<z.output<TSchema>> {
    return this.answer(schema, await this.call(call, work, {}));
  }

  /**
   * A change: what `work` answers, read as `schema` says, once it is on the disk. An upload's
   * deadline (`deadlineOnceSent`) runs from when `work` calls `sent`, once its last byte is read.
   */
  async change<TSchema extends z.ZodType>(
    call: CallContext,
    schema: TSchema,
    work: (caller: InProcessCaller, sent: () => void) => Promise<unknown>,
    { deadlineOnceSent = false } = {},
  ): Promise<z.output<TSchema>> {
    return this.answer(schema, await this.call(call, work, { change: true, deadlineOnceSent }));
  }

  /** A change that runs a saga: the saga to follow, or its result read as `schema` says. */
  async command<TSchema extends z.ZodType>(
    call: CallContext,
    schema: TSchema,
    work: (caller: InProcessCaller) => Promise<SagaOutcome<unknown>>,
  ): Promise<Outcome<z.output<TSchema>>> {
    const outcome = await this.call(call, work, { change: true });
    if (outcome.status === 'accepted') return { status: 'accepted', sagaId: outcome.sagaId };
    return { status: 'done', result: this.answer(schema, outcome.result) };
  }

  /**
   * `work` as the caller of `call`, within the deadline. A `change` is answered, whatever its
   * outcome, only once `onDisk` has taken it to the disk, as the services' HTTP handler in
   * this process answers (`answersOnceOnDisk`).
   */
  private async call<T>(
    call: CallContext,
    work: (caller: InProcessCaller, sent: () => void) => Promise<T>,
    kind: { readonly change?: boolean; readonly deadlineOnceSent?: boolean },
  ): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let expire!: (error: Error) => void;
    const deadline = new Promise<never>((_resolve, reject) => (expire = reject));
    const sent = (): void => {
      if (settled || timer) return;
      timer = setTimeout(
        () => expire(new ServiceTimeoutError(this.name, this.timeoutMs)),
        this.timeoutMs,
      );
    };
    if (!kind.deadlineOnceSent) sent();
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      const actor = await this.identity.verify(call.token);
      const { correlationId, idempotencyKey } = call;
      const caller = {
        actor,
        correlationId,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      };
      outcome = { ok: true, value: await Promise.race([work(caller, sent), deadline]) };
    } catch (error) {
      // Past the deadline the change may still be under way: nothing to wait for.
      if (error instanceof ServiceTimeoutError) throw error;
      outcome = { ok: false, error };
    } finally {
      settled = true;
      clearTimeout(timer);
    }
    if (kind.change) await this.waitForDisk();
    if (outcome.ok) return outcome.value;
    throw this.refusalOrFailure(outcome.error);
  }

  private async waitForDisk(): Promise<void> {
    try {
      await this.onDisk();
    } catch (error) {
      throw new ServiceOutcomeUnknownError(this.name, describeError(error));
    }
  }

  /** The value as it would have crossed the wire (dates as text), read as `schema` says. */
  private answer<TSchema extends z.ZodType>(schema: TSchema, value: unknown): z.output<TSchema> {
    return parseServiceAnswer(this.name, schema, asOverTheWire(value));
  }

  /** The service's refusal (4xx) passed on as it is; anything else its failure (502). */
  private refusalOrFailure(error: unknown): Error {
    const refusal = problemFor(error);
    if (refusal.status < 500) return new ServiceRefusalError(refusal);
    return new ServiceFailedError(this.name, (error as Error)?.stack ?? describeError(error));
  }
}

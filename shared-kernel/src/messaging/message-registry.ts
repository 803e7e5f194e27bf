import { z } from 'zod';
import { Envelope, envelopeSchema } from './envelope';

export type MessageKind = 'event' | 'command' | 'reply';

export interface MessageContract<TPayload = unknown> {
  readonly type: string;
  readonly schemaVersion: number;
  readonly kind: MessageKind;
  readonly payload: z.ZodType<TPayload>;
}

/** Declares a message of the published language once, with the schema of its payload. */
export const defineMessage = <TPayload>(
  type: string,
  kind: MessageKind,
  payload: z.ZodType<TPayload>,
  schemaVersion = 1,
): MessageContract<TPayload> => ({ type, kind, payload, schemaVersion });

export type Validation = { ok: true; envelope: Envelope } | { ok: false; reason: string };

export class InvalidMessageError extends Error {
  constructor(readonly reason: string) {
    super(`invalid message: ${reason}`);
    this.name = 'InvalidMessageError';
  }
}

const formatIssues = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');

/**
 * Every contract a process knows, checked when a message is produced and when it is consumed.
 * An unknown type or version, or a payload that breaks its schema, is invalid.
 */
export class MessageRegistry {
  private readonly contracts = new Map<string, MessageContract>();

  constructor(contracts: Iterable<MessageContract> = []) {
    for (const contract of contracts) this.register(contract);
  }

  register(contract: MessageContract): this {
    const id = MessageRegistry.idOf(contract.type, contract.schemaVersion);
    if (this.contracts.has(id)) throw new Error(`message contract ${id} is declared twice`);
    this.contracts.set(id, contract);
    return this;
  }

  validate(candidate: unknown): Validation {
    const envelope = envelopeSchema.safeParse(candidate);
    if (!envelope.success) return { ok: false, reason: `envelope ${formatIssues(envelope.error)}` };
    const { type, schemaVersion } = envelope.data;
    const contract = this.contracts.get(MessageRegistry.idOf(type, schemaVersion));
    if (!contract) return { ok: false, reason: `unknown message type ${type} v${schemaVersion}` };
    const payload = contract.payload.safeParse(envelope.data.payload);
    if (!payload.success) {
      return {
        ok: false,
        reason: `${type} v${schemaVersion} payload ${formatIssues(payload.error)}`,
      };
    }
    return { ok: true, envelope: { ...envelope.data, payload: payload.data } as Envelope };
  }

  /** For producers: a message that breaks its contract is a bug, so it throws. */
  assertValid(candidate: unknown): Envelope {
    const result = this.validate(candidate);
    if (!result.ok) throw new InvalidMessageError(result.reason);
    return result.envelope;
  }

  private static idOf(type: string, schemaVersion: number): string {
    return `${type}@${schemaVersion}`;
  }
}

import { z } from 'zod';

/**
 * The saga protocol between the orchestrator and its participants.
 *
 * - A command goes to `topics.commands(participant)` with the saga's id in its payload; its
 *   contract extends `sagaCommandPayload`. The orchestrator adds `sagaId` itself.
 * - The participant answers on `topics.replies(participant)` with one of the replies the step
 *   declares. The reply echoes `sagaId` (its contract extends `sagaReplyPayload`) and names the
 *   command it answers as its cause: `envelopes.create({ ..., causedBy: command })`, so its
 *   `causationId` is the command's id. A reply that does not answer the saga's pending command
 *   (a duplicate, or one arriving after a timeout) is ignored.
 * - Participants deduplicate commands by envelope id: after a restart the orchestrator sends
 *   the pending command again with the same id. Compensations are re-sent with a new id after
 *   their deadline, so a compensation handler must be idempotent in effect ("discard the
 *   documents of saga S" succeeds when they are gone already).
 * - A failure reply says the participant did nothing: its step is not compensated. A step that
 *   times out may have been done, so its own compensation runs too.
 */
export const sagaCommandPayload = z.object({ sagaId: z.string().min(1) });
export type SagaCommandPayload = z.infer<typeof sagaCommandPayload>;

export const sagaReplyPayload = z.object({ sagaId: z.string().min(1) });
export type SagaReplyPayload = z.infer<typeof sagaReplyPayload>;

/** The usual base of a failure reply: why the participant refused. */
export const sagaFailureReplyPayload = sagaReplyPayload.extend({ reason: z.string().min(1) });
export type SagaFailureReplyPayload = z.infer<typeof sagaFailureReplyPayload>;

import {
  bpm,
  DomainError,
  Envelope,
  EnvelopeFactory,
  isDomainError,
  MessageContract,
  OutgoingMessage,
  SagaCommandPayload,
  SagaFailureReplyPayload,
  systemActor,
  topics,
} from '@expedientes/shared-kernel';
import { EventoDeProceso, Proceso } from '../domain/proceso';

export type PayloadOf<TContract> = TContract extends MessageContract<infer P> ? P : never;

/** A saga command to bpm: every one names its saga and its expediente. */
export type BpmCommand<TContract = MessageContract<SagaCommandPayload & { expedienteId: string }>> =
  Envelope<PayloadOf<TContract>>;

type Failure = MessageContract<SagaFailureReplyPayload & { code: string }>;

/** The integration event each domain event of a process is published as. */
const integrationEvents: Record<EventoDeProceso['type'], MessageContract> = {
  'bpm.proceso.iniciado': bpm.ProcesoIniciado,
  'bpm.fase.cambiada': bpm.FaseCambiada,
  'bpm.proceso.cancelado': bpm.ProcesoCancelado,
  'bpm.plazo.recalculado': bpm.PlazoRecalculado,
};

/**
 * Builds what bpm sends in answer to a command: replies on `bpm.replies` that echo the saga and
 * name the command as their cause, and the integration events of what a process recorded.
 * Everything is keyed by the expediente and carries the command's actor.
 */
export class BpmMessages {
  constructor(private readonly envelopes: EnvelopeFactory) {}

  reply<TPayload extends { sagaId: string }>(
    command: BpmCommand,
    contract: MessageContract<TPayload>,
    payload: Omit<TPayload, 'sagaId'>,
  ): OutgoingMessage {
    return {
      topic: topics.replies('bpm'),
      envelope: this.envelopes.create({
        type: contract.type,
        schemaVersion: contract.schemaVersion,
        key: command.payload.expedienteId,
        actor: command.actor,
        causedBy: command,
        payload: { ...payload, sagaId: command.payload.sagaId },
      }),
    };
  }

  /** A failure reply that tells the user why, in the error's own words. */
  refusal(command: BpmCommand, contract: Failure, error: DomainError): OutgoingMessage {
    return this.reply(command, contract, { code: error.code, reason: error.message });
  }

  /**
   * The process's new domain events, as integration events; the process forgets them. Without
   * a command, bpm changed the process itself (a plazo counted again), as the system.
   */
  eventsOf(proceso: Proceso, command?: BpmCommand): OutgoingMessage[] {
    return proceso.pullDomainEvents().map((event) => {
      const contract = integrationEvents[event.type];
      return {
        topic: topics.events('bpm'),
        envelope: this.envelopes.create({
          type: contract.type,
          schemaVersion: contract.schemaVersion,
          key: proceso.expedienteId,
          actor: command?.actor ?? systemActor,
          causedBy: command,
          occurredAt: new Date(event.occurredAt),
          payload: event.data,
        }),
      };
    });
  }
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: DomainError };

/**
 * Runs a decision of the model: a DomainError it throws is a refusal to answer with, anything
 * else a fault to retry. Keep storage out of `decide`: a concurrent update must be retried.
 */
export function attempt<T>(decide: () => T): Attempt<T> {
  try {
    return { ok: true, value: decide() };
  } catch (error) {
    if (isDomainError(error)) return { ok: false, error };
    throw error;
  }
}

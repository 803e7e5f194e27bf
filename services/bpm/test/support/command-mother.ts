import { Actor, bpm, Envelope, EnvelopeFactory } from '@expedientes/shared-kernel';
import { CancelProcessCommand } from '../../src/application/cancel-process/cancel-process-handler';
import { RequestTransitionCommand } from '../../src/application/request-transition/request-transition-handler';
import { StartProcessCommand } from '../../src/application/start-process/start-process-handler';
import { usuarios } from './usuarios';

let sequence = 0;
const envelopes = new EnvelopeFactory(
  () => `command-${(sequence += 1)}`,
  () => new Date('2025-03-01T09:00:00.000Z'),
);

interface CommandOptions {
  readonly sagaId?: string;
  readonly actor?: Actor;
}

const command = <TPayload extends { expedienteId: string }>(
  contract: { type: string; schemaVersion: number },
  payload: TPayload,
  actor: Actor,
): Envelope<TPayload> =>
  envelopes.create({
    type: contract.type,
    schemaVersion: contract.schemaVersion,
    key: payload.expedienteId,
    actor,
    payload,
    causedBy: { id: 'saga-step', correlationId: 'correlation-1' },
  });

/** Commands as the expedientes sagas send them; a fresh envelope id each time. */
export const CommandMother = {
  startProcess: (
    expedienteId: string,
    {
      sagaId = 'saga-open',
      actor = usuarios.tramitadora,
      procedimiento = 'estandar',
    }: CommandOptions & {
      procedimiento?: string;
    } = {},
  ): StartProcessCommand =>
    command(bpm.StartProcess, { sagaId, expedienteId, procedimiento }, actor),

  requestTransition: (
    expedienteId: string,
    hacia: string,
    { sagaId = 'saga-advance', actor = usuarios.tramitadora }: CommandOptions = {},
  ): RequestTransitionCommand =>
    command(bpm.RequestTransition, { sagaId, expedienteId, hacia }, actor),

  cancelProcess: (
    expedienteId: string,
    { sagaId = 'saga-open', actor = usuarios.tramitadora }: CommandOptions = {},
  ): CancelProcessCommand => command(bpm.CancelProcess, { sagaId, expedienteId }, actor),
};

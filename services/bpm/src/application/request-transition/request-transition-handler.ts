import { bpm, Clock, DomainError, OutgoingMessage } from '@expedientes/shared-kernel';
import { ProcesoNoEncontradoError } from '../../domain/errors';
import { ReglaDePlazos } from '../../domain/regla-de-plazos';
import { attempt, BpmCommand, BpmMessages } from '../bpm-messages';
import { CommandTransaction, CommandUnitOfWork } from '../command-unit-of-work';

export type RequestTransitionCommand = BpmCommand<typeof bpm.RequestTransition>;

/**
 * Moves the process of an expediente to another phase for the user of the command, if its
 * procedure allows it from the current phase and for that user's roles. A refusal changes
 * nothing and tells the user why.
 */
export class RequestTransitionHandler {
  constructor(
    private readonly unitOfWork: CommandUnitOfWork,
    private readonly messages: BpmMessages,
    private readonly clock: Clock,
    private readonly plazos: ReglaDePlazos,
  ) {}

  /** False when the command had been handled already. */
  handle(command: RequestTransitionCommand): Promise<boolean> {
    return this.unitOfWork.runOnce(command.id, async (tx) => {
      await tx.send(await this.decide(tx, command));
    });
  }

  private async decide(
    tx: CommandTransaction,
    command: RequestTransitionCommand,
  ): Promise<OutgoingMessage[]> {
    const { expedienteId, hacia, motivo } = command.payload;
    const proceso = await tx.procesos.findByExpediente(expedienteId);
    if (!proceso) {
      return [this.refusal(command, new ProcesoNoEncontradoError(expedienteId))];
    }
    const cambio = attempt(() =>
      proceso.cambiarDeFase(hacia, command.actor, this.clock(), this.plazos, motivo),
    );
    if (!cambio.ok) return [this.refusal(command, cambio.error)];
    await tx.procesos.save(proceso);
    return [
      ...this.messages.eventsOf(proceso, command),
      this.messages.reply(command, bpm.TransitionRecorded, { expedienteId, ...cambio.value }),
    ];
  }

  private refusal(command: RequestTransitionCommand, error: DomainError): OutgoingMessage {
    return this.messages.refusal(command, bpm.TransitionRefused, error);
  }
}

import { bpm, Clock } from '@expedientes/shared-kernel';
import { BpmCommand, BpmMessages } from '../bpm-messages';
import { CommandUnitOfWork } from '../command-unit-of-work';

export type CancelProcessCommand = BpmCommand<typeof bpm.CancelProcess>;

/**
 * Cancels the process a saga started (its compensation). Idempotent in effect: a process
 * cancelled already, or none at all for that saga, is answered as cancelled.
 */
export class CancelProcessHandler {
  constructor(
    private readonly unitOfWork: CommandUnitOfWork,
    private readonly messages: BpmMessages,
    private readonly clock: Clock,
  ) {}

  /** False when the command had been handled already. */
  handle(command: CancelProcessCommand): Promise<boolean> {
    return this.unitOfWork.runOnce(command.id, async (tx) => {
      const { expedienteId, sagaId } = command.payload;
      const proceso = await tx.procesos.findByExpediente(expedienteId);
      const events = [];
      if (proceso?.iniciadoPor(sagaId)) {
        proceso.cancelar(command.actor.userId, this.clock());
        events.push(...this.messages.eventsOf(proceso, command));
        if (events.length > 0) await tx.procesos.save(proceso);
      }
      await tx.send([
        ...events,
        this.messages.reply(command, bpm.ProcessCancelled, { expedienteId }),
      ]);
    });
  }
}

import { bpm, Clock, DomainError, OutgoingMessage } from '@expedientes/shared-kernel';
import { CatalogoDeProcedimientos } from '../../domain/catalogo-de-procedimientos';
import { ProcesoCanceladoError, ProcesoYaIniciadoError } from '../../domain/errors';
import { Proceso } from '../../domain/proceso';
import { ReglaDePlazos } from '../../domain/regla-de-plazos';
import { attempt, BpmCommand, BpmMessages } from '../bpm-messages';
import { CommandTransaction, CommandUnitOfWork } from '../command-unit-of-work';

export type StartProcessCommand = BpmCommand<typeof bpm.StartProcess>;

/**
 * Starts the process of an expediente on the newest version of its procedure. Asked again by
 * the saga that started it, it answers again; asked by another saga, it refuses.
 */
export class StartProcessHandler {
  constructor(
    private readonly unitOfWork: CommandUnitOfWork,
    private readonly catalogo: CatalogoDeProcedimientos,
    private readonly messages: BpmMessages,
    private readonly clock: Clock,
    private readonly plazos: ReglaDePlazos,
  ) {}

  /** False when the command had been handled already. */
  handle(command: StartProcessCommand): Promise<boolean> {
    return this.unitOfWork.runOnce(command.id, async (tx) => {
      await tx.send(await this.decide(tx, command));
    });
  }

  private async decide(
    tx: CommandTransaction,
    command: StartProcessCommand,
  ): Promise<OutgoingMessage[]> {
    const { expedienteId, sagaId } = command.payload;
    const existente = await tx.procesos.findByExpediente(expedienteId);
    if (existente) return [this.answerAgain(command, existente)];
    const procedimiento = attempt(() => this.catalogo.vigente(command.payload.procedimiento));
    if (!procedimiento.ok) {
      return [this.refusal(command, procedimiento.error)];
    }
    const proceso = Proceso.iniciar({
      expedienteId,
      sagaId,
      procedimiento: procedimiento.value,
      por: command.actor.userId,
      at: this.clock(),
      plazos: this.plazos,
    });
    await tx.procesos.save(proceso);
    return [...this.messages.eventsOf(proceso, command), this.started(command, proceso)];
  }

  private answerAgain(command: StartProcessCommand, proceso: Proceso): OutgoingMessage {
    const { expedienteId, sagaId } = command.payload;
    if (!proceso.iniciadoPor(sagaId)) {
      return this.refusal(command, new ProcesoYaIniciadoError(expedienteId));
    }
    if (proceso.estado === 'cancelado') {
      return this.refusal(command, new ProcesoCanceladoError(expedienteId));
    }
    return this.started(command, proceso);
  }

  /** The same answer however often it is asked: where the process started. */
  private started(command: StartProcessCommand, proceso: Proceso): OutgoingMessage {
    return this.messages.reply(command, bpm.ProcessStarted, {
      expedienteId: proceso.expedienteId,
      procedimiento: proceso.procedimiento.codigo,
      version: proceso.procedimiento.version,
      fase: proceso.faseInicial,
      vencimiento: proceso.historial[0].vencimiento,
    });
  }

  private refusal(command: StartProcessCommand, error: DomainError): OutgoingMessage {
    return this.messages.refusal(command, bpm.ProcessStartFailed, error);
  }
}

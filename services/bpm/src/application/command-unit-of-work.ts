import { OutgoingMessage } from '@expedientes/shared-kernel';
import { ProcesoRepository } from '../domain/proceso-repository';

/** What a command handler may touch: the processes, and the messages it answers with. */
export interface CommandTransaction {
  readonly procesos: ProcesoRepository;
  /** Committed with the state: published once the transaction is, never without it. */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
}

/**
 * Runs the handling of one command as one transaction, together with the record that the
 * command was handled, so a redelivered command has no second effect.
 */
export interface CommandUnitOfWork {
  /** False, without running `work`, when the message had been handled already. */
  runOnce(messageId: string, work: (tx: CommandTransaction) => Promise<void>): Promise<boolean>;
  /** One transaction for work bpm does of its own accord, not in answer to a message. */
  run(work: (tx: CommandTransaction) => Promise<void>): Promise<void>;
}

import { FaseResumida } from '../model/common';
import { TransicionesDisponibles } from '../model/transitions';
import { CallContext } from './caller';

/** The bpm service: procedures and the process each expediente follows. */
export interface BpmApi {
  /** The phases the caller may move the expediente to now, by the procedure and their roles. */
  transitions(expedienteId: string, call: CallContext): Promise<TransicionesDisponibles>;
  /** The phases from which the caller's roles may move a process on: where work waits for them. */
  phasesWithTasks(call: CallContext): Promise<FaseResumida[]>;
}

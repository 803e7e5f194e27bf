import { fasesConTareas, proceso } from '../bpm-answers';
import { BpmApi } from '../../ports/bpm-api';
import { CallContext } from '../../ports/caller';
import { ServiceClient } from './service-client';

/** bpm's internal API: the process of an expediente, as the asking user may move it. */
export class HttpBpmApi implements BpmApi {
  constructor(private readonly client: ServiceClient) {}

  async transitions(expedienteId: string, call: CallContext) {
    const reply = await this.client.send(`/procesos/${encodeURIComponent(expedienteId)}`, {}, call);
    return this.client.parse(proceso, reply.json);
  }

  async phasesWithTasks(call: CallContext) {
    const reply = await this.client.send('/fases-con-tareas', {}, call);
    return this.client.parse(fasesConTareas, reply.json).fases;
  }
}

import { z } from 'zod';
import { fase, faseResumida } from '../../model/common';
import { BpmApi } from '../../ports/bpm-api';
import { CallContext } from '../../ports/caller';
import { ServiceClient } from './service-client';

/** What the gateway reads of bpm's view of a process. */
const proceso = z.object({
  expedienteId: z.string(),
  faseActual: fase,
  transicionesDisponibles: z.array(fase),
  // bpm from before procedures asked for reasons answers without it.
  conMotivo: z.array(z.string()).default([]),
});

const fasesConTareas = z.object({ fases: z.array(faseResumida) });

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

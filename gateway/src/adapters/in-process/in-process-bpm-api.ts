import type { BpmEndpoints } from '@expedientes/bpm';
import { BpmApi } from '../../ports/bpm-api';
import { CallContext } from '../../ports/caller';
import { fasesConTareas, proceso } from '../bpm-answers';
import { InProcessService } from './in-process-service';

/** bpm's endpoints, called in this process (see InProcessService). */
export class InProcessBpmApi implements BpmApi {
  constructor(
    private readonly endpoints: BpmEndpoints,
    private readonly service: InProcessService,
  ) {}

  async transitions(expedienteId: string, call: CallContext) {
    const view = await this.service.call(call, (caller) =>
      this.endpoints.proceso(expedienteId, caller),
    );
    return this.service.answer(proceso, view);
  }

  async phasesWithTasks(call: CallContext) {
    const answer = await this.service.call(call, async (caller) =>
      this.endpoints.fasesConTareas(caller),
    );
    return this.service.answer(fasesConTareas, answer).fases;
  }
}

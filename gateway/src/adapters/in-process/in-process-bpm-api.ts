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

  transitions(expedienteId: string, call: CallContext) {
    return this.service.read(call, proceso, (caller) =>
      this.endpoints.proceso(expedienteId, caller),
    );
  }

  async phasesWithTasks(call: CallContext) {
    const { fases } = await this.service.read(call, fasesConTareas, async (caller) =>
      this.endpoints.fasesConTareas(caller),
    );
    return fases;
  }
}

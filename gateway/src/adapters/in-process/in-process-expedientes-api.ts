import type { ExpedientesEndpoints } from '@expedientes/expedientes';
import {
  asignacion,
  comentarioAnadido,
  descripcionEditada,
  documentoAdjuntado,
  expediente,
  expedienteAbierto,
  faseCambiada,
  historial,
  operacion,
  paginaDeExpedientes,
} from '../../model/expedientes';
import { CallContext } from '../../ports/caller';
import { CriteriosDeLista, ExpedientesApi, SolicitudDeApertura } from '../../ports/expedientes-api';
import { InProcessService } from './in-process-service';

/** A change: answered once it is on the disk. */
const CHANGE = { change: true };

/** The expedientes service's endpoints, called in this process (see InProcessService). */
export class InProcessExpedientesApi implements ExpedientesApi {
  constructor(
    private readonly endpoints: ExpedientesEndpoints,
    private readonly service: InProcessService,
  ) {}

  async open(solicitud: SolicitudDeApertura, call: CallContext) {
    const outcome = await this.service.call(
      call,
      (caller) => this.endpoints.open(solicitud, caller),
      CHANGE,
    );
    return this.service.outcome(outcome, expedienteAbierto);
  }

  async list({ sinAsignar, ...criterios }: CriteriosDeLista, call: CallContext) {
    // As a query string carries it.
    const query = { ...criterios, ...(sinAsignar ? { sinAsignar: 'true' } : {}) };
    const page = await this.service.call(call, (caller) => this.endpoints.list(query, caller));
    return this.service.answer(paginaDeExpedientes, page);
  }

  async get(expedienteId: string, wanted: { readonly asOf?: string }, call: CallContext) {
    const detail = await this.service.call(call, (caller) =>
      this.endpoints.get(expedienteId, wanted, caller),
    );
    return this.service.answer(expediente, detail);
  }

  async editDescripcion(
    expedienteId: string,
    cambio: { readonly descripcion: string; readonly expectedVersion: number },
    call: CallContext,
  ) {
    const edited = await this.service.call(
      call,
      (caller) => this.endpoints.edit(expedienteId, cambio, undefined, caller),
      CHANGE,
    );
    return this.service.answer(descripcionEditada, edited);
  }

  async comment(expedienteId: string, texto: string, call: CallContext) {
    const comentado = await this.service.call(
      call,
      (caller) => this.endpoints.comment(expedienteId, { texto }, caller),
      CHANGE,
    );
    return this.service.answer(comentarioAnadido, comentado);
  }

  async assign(expedienteId: string, asignadoA: string | null, call: CallContext) {
    const asignado = await this.service.call(
      call,
      (caller) => this.endpoints.assign(expedienteId, { asignadoA }, caller),
      CHANGE,
    );
    return this.service.answer(asignacion, asignado);
  }

  async history(expedienteId: string, call: CallContext) {
    const entradas = await this.service.call(call, (caller) =>
      this.endpoints.history(expedienteId, caller),
    );
    return this.service.answer(historial, entradas);
  }

  async requestTransition(
    expedienteId: string,
    cambio: { readonly hacia: string; readonly motivo?: string },
    call: CallContext,
  ) {
    const outcome = await this.service.call(
      call,
      (caller) => this.endpoints.transition(expedienteId, cambio, caller),
      CHANGE,
    );
    return this.service.outcome(outcome, faseCambiada);
  }

  async attachDocumento(expedienteId: string, documentId: string, call: CallContext) {
    const outcome = await this.service.call(
      call,
      (caller) => this.endpoints.attach(expedienteId, { documentId }, caller),
      CHANGE,
    );
    return this.service.outcome(outcome, documentoAdjuntado);
  }

  async saga(sagaId: string, call: CallContext) {
    const saga = await this.service.call(call, (caller) => this.endpoints.saga(sagaId, caller));
    return this.service.answer(operacion, saga);
  }
}

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

/** The expedientes service's endpoints, called in this process (see InProcessService). */
export class InProcessExpedientesApi implements ExpedientesApi {
  constructor(
    private readonly endpoints: ExpedientesEndpoints,
    private readonly service: InProcessService,
  ) {}

  open(solicitud: SolicitudDeApertura, call: CallContext) {
    return this.service.command(call, expedienteAbierto, (caller) =>
      this.endpoints.open(solicitud, caller),
    );
  }

  list({ sinAsignar, ...criterios }: CriteriosDeLista, call: CallContext) {
    // As a query string carries it.
    const query = { ...criterios, ...(sinAsignar ? { sinAsignar: 'true' } : {}) };
    return this.service.read(call, paginaDeExpedientes, (caller) =>
      this.endpoints.list(query, caller),
    );
  }

  get(expedienteId: string, wanted: { readonly asOf?: string }, call: CallContext) {
    return this.service.read(call, expediente, (caller) =>
      this.endpoints.get(expedienteId, wanted, caller),
    );
  }

  editDescripcion(
    expedienteId: string,
    cambio: { readonly descripcion: string; readonly expectedVersion: number },
    call: CallContext,
  ) {
    return this.service.change(call, descripcionEditada, (caller) =>
      this.endpoints.edit(expedienteId, cambio, undefined, caller),
    );
  }

  comment(expedienteId: string, texto: string, call: CallContext) {
    return this.service.change(call, comentarioAnadido, (caller) =>
      this.endpoints.comment(expedienteId, { texto }, caller),
    );
  }

  assign(expedienteId: string, asignadoA: string | null, call: CallContext) {
    return this.service.change(call, asignacion, (caller) =>
      this.endpoints.assign(expedienteId, { asignadoA }, caller),
    );
  }

  history(expedienteId: string, call: CallContext) {
    return this.service.read(call, historial, (caller) =>
      this.endpoints.history(expedienteId, caller),
    );
  }

  requestTransition(
    expedienteId: string,
    cambio: { readonly hacia: string; readonly motivo?: string },
    call: CallContext,
  ) {
    return this.service.command(call, faseCambiada, (caller) =>
      this.endpoints.transition(expedienteId, cambio, caller),
    );
  }

  attachDocumento(expedienteId: string, documentId: string, call: CallContext) {
    return this.service.command(call, documentoAdjuntado, (caller) =>
      this.endpoints.attach(expedienteId, { documentId }, caller),
    );
  }

  saga(sagaId: string, call: CallContext) {
    return this.service.read(call, operacion, (caller) => this.endpoints.saga(sagaId, caller));
  }
}

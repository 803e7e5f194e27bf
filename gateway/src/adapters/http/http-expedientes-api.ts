import { z } from 'zod';
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
  operacionEnCurso,
  Outcome,
  paginaDeExpedientes,
} from '../../model/expedientes';
import { CallContext } from '../../ports/caller';
import { CriteriosDeLista, ExpedientesApi, SolicitudDeApertura } from '../../ports/expedientes-api';
import { ServiceClient, ServiceReply } from './service-client';

const expedientePath = (expedienteId: string): string =>
  `/expedientes/${encodeURIComponent(expedienteId)}`;

/** The expedientes service's internal API (README, "The services' internal APIs"). */
export class HttpExpedientesApi implements ExpedientesApi {
  constructor(private readonly client: ServiceClient) {}

  async open(solicitud: SolicitudDeApertura, call: CallContext) {
    const reply = await this.client.send('/expedientes', { method: 'POST', json: solicitud }, call);
    return this.outcome(reply, expedienteAbierto);
  }

  async list({ sinAsignar, ...criterios }: CriteriosDeLista, call: CallContext) {
    const query = { ...criterios, sinAsignar: sinAsignar ? 'true' : undefined };
    const reply = await this.client.send('/expedientes', { query }, call);
    return this.client.parse(paginaDeExpedientes, reply.json);
  }

  async get(expedienteId: string, wanted: { readonly asOf?: string }, call: CallContext) {
    const reply = await this.client.send(
      expedientePath(expedienteId),
      { query: { asOf: wanted.asOf } },
      call,
    );
    return this.client.parse(expediente, reply.json);
  }

  async editDescripcion(
    expedienteId: string,
    cambio: { readonly descripcion: string; readonly expectedVersion: number },
    call: CallContext,
  ) {
    const reply = await this.client.send(
      expedientePath(expedienteId),
      { method: 'PATCH', json: cambio },
      call,
    );
    return this.client.parse(descripcionEditada, reply.json);
  }

  async comment(expedienteId: string, texto: string, call: CallContext) {
    const reply = await this.client.send(
      `${expedientePath(expedienteId)}/comments`,
      { method: 'POST', json: { texto } },
      call,
    );
    return this.client.parse(comentarioAnadido, reply.json);
  }

  /** Setting the same assignee again changes nothing: a lost call is tried again like a read. */
  async assign(expedienteId: string, asignadoA: string | null, call: CallContext) {
    const reply = await this.client.send(
      `${expedientePath(expedienteId)}/assignee`,
      { method: 'PUT', json: { asignadoA }, repeatable: true },
      call,
    );
    return this.client.parse(asignacion, reply.json);
  }

  async history(expedienteId: string, call: CallContext) {
    const reply = await this.client.send(`${expedientePath(expedienteId)}/history`, {}, call);
    return this.client.parse(historial, reply.json);
  }

  async requestTransition(
    expedienteId: string,
    cambio: { readonly hacia: string; readonly motivo?: string },
    call: CallContext,
  ) {
    const reply = await this.client.send(
      `${expedientePath(expedienteId)}/transitions`,
      { method: 'POST', json: cambio },
      call,
    );
    return this.outcome(reply, faseCambiada);
  }

  async attachDocumento(expedienteId: string, documentId: string, call: CallContext) {
    const reply = await this.client.send(
      `${expedientePath(expedienteId)}/documents`,
      { method: 'POST', json: { documentId } },
      call,
    );
    return this.outcome(reply, documentoAdjuntado);
  }

  async saga(sagaId: string, call: CallContext) {
    const reply = await this.client.send(`/sagas/${encodeURIComponent(sagaId)}`, {}, call);
    return this.client.parse(operacion, reply.json);
  }

  /** 202: the saga goes on and the client is told where to follow it; else its result. */
  private outcome<TSchema extends z.ZodType>(
    reply: ServiceReply,
    result: TSchema,
  ): Outcome<z.output<TSchema>> {
    if (reply.status === 202) {
      return { status: 'accepted', sagaId: this.client.parse(operacionEnCurso, reply.json).sagaId };
    }
    return { status: 'done', result: this.client.parse(result, reply.json) };
  }
}

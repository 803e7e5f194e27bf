import { motivoDeTransicion } from '@expedientes/shared-kernel';
import { z } from 'zod';
import { faseCambiada } from '../../model/expedientes';
import { transicionesDisponibles } from '../../model/transitions';
import { BpmApi } from '../../ports/bpm-api';
import { ExpedientesApi } from '../../ports/expedientes-api';
import { route, RouteDefinition } from '../route';
import { accepted, expedienteParams, sendOutcome, STAFF, TAG_EXPEDIENTES } from './shared';

const transitionBody = z.object({
  hacia: z.string().trim().min(1).max(100).describe('El código de la fase a la que pasar'),
  motivo: motivoDeTransicion
    .optional()
    .describe(
      'Por qué: obligatorio donde el procedimiento lo pide (las de conMotivo, un rechazo); queda en el historial de fases y en el de cambios',
    ),
});

export function transitionsRoutes(expedientes: ExpedientesApi, bpm: BpmApi): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: '/expedientes/{id}/transitions',
      operationId: 'verTransiciones',
      tag: TAG_EXPEDIENTES,
      summary: 'Las fases a las que quien pregunta puede llevar el expediente ahora',
      description:
        'Según el procedimiento del expediente, su fase actual y los roles de quien pregunta.',
      roles: STAFF,
      params: expedienteParams,
      responses: { 200: { description: 'Las transiciones', schema: transicionesDisponibles } },
      problems: [404],
      async handle({ params, call, res }) {
        res.json(await bpm.transitions(params.id, call));
      },
    }),
    route({
      method: 'post',
      path: '/expedientes/{id}/transitions',
      operationId: 'cambiarDeFase',
      tag: TAG_EXPEDIENTES,
      summary: 'Lleva el expediente a otra fase',
      description:
        'El procedimiento decide quién puede hacer cada cambio: uno que no permite a los ' +
        'roles de quien lo pide se rechaza con 422 y el motivo.',
      roles: STAFF,
      params: expedienteParams,
      body: { kind: 'json', schema: transitionBody },
      responses: { 200: { description: 'Hecho', schema: faseCambiada }, 202: accepted },
      problems: [404, 409, 422],
      async handle({ params, body, call, res }) {
        sendOutcome(res, await expedientes.requestTransition(params.id, body, call), {
          status: 200,
        });
      },
    }),
  ];
}

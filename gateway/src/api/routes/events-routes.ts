import { cambioDeExpediente } from '../../model/cambio-de-expediente';
import { LiveUpdates } from '../live-updates';
import { route, RouteDefinition } from '../route';
import { STAFF, TAG_EXPEDIENTES } from './shared';

/** The live-update stream, under the API's base path: it holds its connection open by design. */
export const LIVE_UPDATES_PATH = '/events';

/** The live updates the web UI listens to (EventSource, with the session cookie). */
export function eventsRoutes(live: LiveUpdates): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: LIVE_UPDATES_PATH,
      operationId: 'seguirCambios',
      tag: TAG_EXPEDIENTES,
      summary: 'Los cambios de los expedientes según ocurren (server-sent events)',
      description:
        'Un flujo text/event-stream (pídalo con Accept: text/event-stream) que da un evento ' +
        '`expediente` por cada cambio de un expediente desde que se abre, con ' +
        '`{expedienteId, version, tipo}` en `data`, y un comentario cada 15 segundos para ' +
        'que nada corte la conexión. Los modelos de lectura van un poco por detrás: el ' +
        'detalle de un expediente está al día cuando su `version` llega a la del evento. ' +
        'El flujo termina cada cierto tiempo, y EventSource vuelve a abrirlo.',
      roles: STAFF,
      responses: {
        200: {
          description: 'El flujo de eventos; no termina mientras el cliente lo lea',
          events: { expediente: cambioDeExpediente },
        },
      },
      problems: [406, 503],
      async handle({ res }) {
        live.open(res);
      },
    }),
  ];
}

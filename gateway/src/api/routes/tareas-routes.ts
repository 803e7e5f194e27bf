import { z } from 'zod';
import { LIMITE_DE_TAREAS, MisTareas } from '../../application/mis-tareas';
import { tareas } from '../../model/tareas';
import { requireCaller } from '../../security/caller-of-request';
import { route, RouteDefinition } from '../route';
import { STAFF, TAG_EXPEDIENTES } from './shared';

const tareasQuery = z.object({
  limite: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITE_DE_TAREAS)
    .optional()
    .describe(`Cuántos expedientes listar como mucho (${LIMITE_DE_TAREAS} por defecto)`),
});

export function tareasRoutes(misTareas: MisTareas): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: '/tasks',
      operationId: 'misTareas',
      tag: TAG_EXPEDIENTES,
      summary: 'Lo que espera a quien pregunta, con cuántos esperan en cada fase',
      description:
        'Los expedientes abiertos en las fases desde las que sus roles pueden cambiarlos de ' +
        'fase (según la versión vigente de cada procedimiento), asignados a él o a nadie (a un ' +
        'administrador, todos), del que más lleva esperando al que menos.',
      roles: STAFF,
      query: tareasQuery,
      responses: { 200: { description: 'Sus tareas', schema: tareas } },
      async handle({ query, call, res }) {
        res.json(await misTareas.execute(requireCaller(res).actor, call, query.limite));
      },
    }),
  ];
}

import { z } from 'zod';
import { estadoDeExpediente, opcionInicial } from '../../model/common';
import { resultadoDeBusqueda } from '../../model/search';
import { SearchApi } from '../../ports/search-api';
import { route, RouteDefinition } from '../route';
import { dayOrInstant, pageNumber, pageSize, STAFF, TAG_BUSQUEDA } from './shared';

const searchQuery = z.object({
  q: z
    .string()
    .max(200)
    .optional()
    .describe('Palabras del código, la descripción o los nombres de los documentos'),
  fase: z.string().trim().min(1).max(100).optional().describe('El código de la fase'),
  estado: estadoDeExpediente.optional(),
  opcionInicial: opcionInicial.optional(),
  desde: dayOrInstant.optional().describe('Creados desde ese día (AAAA-MM-DD) o instante'),
  hasta: dayOrInstant.optional().describe('Creados hasta ese día (incluido) o instante'),
  page: pageNumber,
  pageSize,
});

export function searchRoutes(search: SearchApi): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: '/search',
      operationId: 'buscarExpedientes',
      tag: TAG_BUSQUEDA,
      summary: 'Busca expedientes por texto y filtros, de más a menos relevante',
      roles: STAFF,
      query: searchQuery,
      responses: { 200: { description: 'Los resultados', schema: resultadoDeBusqueda } },
      async handle({ query, call, res }) {
        res.json(await search.search(query, call));
      },
    }),
  ];
}

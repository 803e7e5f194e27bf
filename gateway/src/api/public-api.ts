import { z } from 'zod';
import { AddDocumentVersion } from '../application/add-document-version';
import { AddDocumento } from '../application/add-documento';
import { MisTareas } from '../application/mis-tareas';
import { RegistroDeExpediente } from '../application/registro-de-expediente';
import { OpenExpediente } from '../application/open-expediente';
import { Backends } from '../ports/backends';
import { LiveUpdates } from './live-updates';
import { openApiDocument } from './openapi';
import { route, RouteDefinition } from './route';
import { documentsRoutes } from './routes/documents-routes';
import { eventsRoutes } from './routes/events-routes';
import { expedientesRoutes } from './routes/expedientes-routes';
import { searchRoutes } from './routes/search-routes';
import { sessionRoutes } from './routes/session-routes';
import { tareasRoutes } from './routes/tareas-routes';
import { transitionsRoutes } from './routes/transitions-routes';
import { usersRoutes } from './routes/users-routes';

/** Where the API is mounted; its OpenAPI document names it as the server. */
export const API_BASE_PATH = '/api/v1';

const API_INFO = {
  title: 'Expedientes API',
  version: '1.0.0',
  description:
    'La API pública de la plataforma de expedientes. Cada petición lleva un token de acceso ' +
    '(Authorization: Bearer) con los roles de quien llama, o la cookie de la sesión del ' +
    'navegador (tras /login), y entonces las que cambian algo llevan además su token CSRF ' +
    '(cabecera x-csrf-token, que da GET /me); los errores son ' +
    'application/problem+json con status, title, detail y un code estable. Cada respuesta ' +
    'lleva x-correlation-id (el que envió el cliente, o uno nuevo), que aparece en los ' +
    'registros de todos los servicios.',
  serverUrl: API_BASE_PATH,
};

/** Every route of the public API, its own OpenAPI document included. */
export function publicApiRoutes(
  backends: Backends,
  live: LiveUpdates,
  limits: { readonly maxFileBytes: number },
): RouteDefinition[] {
  const { expedientes, documents, bpm, search, users } = backends;
  const routes = [
    ...expedientesRoutes(
      expedientes,
      new OpenExpediente(documents, expedientes),
      new RegistroDeExpediente(expedientes, users),
    ),
    ...transitionsRoutes(expedientes, bpm),
    ...tareasRoutes(new MisTareas(bpm, expedientes)),
    ...documentsRoutes(
      documents,
      new AddDocumento(documents, expedientes),
      new AddDocumentVersion(documents, expedientes),
    ),
    ...searchRoutes(search),
    ...eventsRoutes(live),
    ...sessionRoutes(limits),
    ...(users ? usersRoutes(users) : []),
  ];
  let document: Record<string, unknown> | undefined;
  const all: RouteDefinition[] = [
    ...routes,
    route({
      method: 'get',
      path: '/openapi.json',
      operationId: 'verOpenApi',
      tag: 'API',
      summary: 'Este documento OpenAPI 3.1',
      roles: 'public',
      responses: {
        200: {
          description: 'El documento',
          schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
        },
      },
      async handle({ res }) {
        document ??= openApiDocument(all, API_INFO);
        res.json(document);
      },
    }),
  ];
  return all;
}

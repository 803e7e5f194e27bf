import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { CSRF_HEADER, SESSION_COOKIE } from '../login/session-data';
import { named } from '../model/schema-names';
import { RouteDefinition } from './route';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency';

type JsonSchema = Record<string, unknown>;

export interface ApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description: string;
  /** Where the paths are served, relative to the document's own address or absolute. */
  readonly serverUrl: string;
}

const problemSchema = named(
  'Problem',
  'Un error, como application/problem+json (RFC 9457)',
  z.looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z
      .string()
      .optional()
      .describe('Código estable del error, p. ej. EXPEDIENTE.CODIGO_DUPLICADO'),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('Los campos que no son válidos y por qué (solo en 400)'),
  }),
);

const problemDescriptions: Record<number, string> = {
  400: 'La petición no es válida; `errors` dice qué campos y por qué',
  401: 'Falta la identidad, o el token no vale (firma, emisor, audiencia o caducidad)',
  403: 'Quien llama no tiene el rol que hace falta',
  404: 'No existe',
  405: 'La dirección no atiende ese método',
  406: 'La operación no da nada del tipo que pide Accept',
  409: 'Conflicto: el código ya existe, o el expediente ha cambiado desde que se leyó',
  413: 'Un archivo o el cuerpo supera el tamaño permitido',
  415: 'El cuerpo no es del tipo que recibe la operación',
  422: 'El procedimiento o el estado del expediente no lo permiten ahora',
  429: 'Demasiadas peticiones: vuelva a intentarlo pasados los segundos de Retry-After',
  502: 'Un servicio falló al atender la petición',
  503:
    'Un servicio no está disponible ahora, o la plataforma atiende demasiadas peticiones ' +
    '(API.OVERLOADED: no se ha hecho nada; vuelva a intentarlo pasados los segundos de Retry-After)',
  504: 'Un servicio no respondió a tiempo',
};

/** Refusals any identified caller may meet, on any route. */
const PROTECTED_PROBLEMS = [401, 403, 502, 503, 504];

/**
 * The OpenAPI 3.1 document of the declared routes, from the very zod schemas that check their
 * input and the services' answers, so it cannot say anything the API does not do.
 */
export function openApiDocument(routes: readonly RouteDefinition[], info: ApiInfo): JsonSchema {
  const schemas = new SchemaConverter();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route, schemas) };
  }
  const problemStatuses = Object.keys(problemDescriptions).map(Number);
  const problemRef = schemas.convert(problemSchema, 'output');
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    servers: [{ url: info.serverUrl }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Un token de acceso del servidor de autorización, con los roles del usuario',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description:
            'La sesión del navegador, que se abre en /login: las peticiones que cambian algo ' +
            `llevan además su token CSRF en la cabecera ${CSRF_HEADER}`,
        },
      },
      schemas: schemas.components,
      responses: Object.fromEntries(
        problemStatuses.map((status) => [
          problemResponseName(status),
          {
            description: problemDescriptions[status],
            ...(status === 429 || status === 503
              ? { headers: { 'Retry-After': header('Segundos que esperar') } }
              : {}),
            content: { 'application/problem+json': { schema: problemRef } },
          },
        ]),
      ),
    },
  };
}

function operation(route: RouteDefinition, schemas: SchemaConverter): JsonSchema {
  const isPublic = route.roles === 'public';
  const keyed = !isPublic && route.method !== 'get';
  const parameters = [
    ...schemas.parameters(route.params, 'path'),
    ...schemas.parameters(route.query, 'query'),
    ...schemas.parameters(route.headers, 'header'),
    ...(keyed ? [IDEMPOTENCY_KEY_PARAMETER] : []),
  ];
  const problems = new Set<number>([
    429,
    ...(keyed ? [409, 422] : []),
    ...(isPublic ? [] : PROTECTED_PROBLEMS),
    ...(parameters.length > 0 || route.body ? [400] : []),
    ...(route.body ? [413, 415] : []),
    ...(route.problems ?? []),
  ]);
  const roles = isPublic
    ? 'Pública: no hace falta identificarse.'
    : `Roles: ${route.roles.join(', ')}.`;
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, roles].filter(Boolean).join('\n\n'),
    security: isPublic ? [] : [{ bearer: [] }, { session: [] }],
    'x-roles': isPublic ? [] : route.roles,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: requestBody(route.body, schemas) } : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.headers
              ? {
                  headers: Object.fromEntries(
                    Object.entries(response.headers).map(([name, text]) => [name, header(text)]),
                  ),
                }
              : {}),
            ...(response.links ? { links: response.links } : {}),
            ...(response.schema
              ? {
                  content: {
                    'application/json': { schema: schemas.convert(response.schema, 'output') },
                  },
                }
              : response.csv
                ? { content: { 'text/csv': { schema: { type: 'string' } } } }
                : response.binary
                  ? {
                      content: {
                        '*/*': {
                          schema: { type: 'string', contentMediaType: 'application/octet-stream' },
                        },
                      },
                    }
                  : response.events
                    ? { content: { 'text/event-stream': eventStream(response.events, schemas) } }
                    : {}),
          },
        ]),
      ),
      ...Object.fromEntries(
        [...problems]
          .sort()
          .map((status) => [
            String(status),
            { $ref: `#/components/responses/${problemResponseName(status)}` },
          ]),
      ),
    },
  };
}

function requestBody(
  body: NonNullable<RouteDefinition['body']>,
  schemas: SchemaConverter,
): JsonSchema {
  const mediaType = body.kind === 'json' ? 'application/json' : 'multipart/form-data';
  return {
    required: true,
    content: { [mediaType]: { schema: schemas.convert(body.schema, 'input') } },
  };
}

const header = (description: string): JsonSchema => ({ description, schema: { type: 'string' } });

/** Every change of the API takes one (see `idempotentChanges`). */
const IDEMPOTENCY_KEY_PARAMETER: JsonSchema = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  description:
    'Una clave única de esta operación (un UUID nuevo por cada acción del usuario). Si la ' +
    'petición se repite con la misma clave (porque la respuesta no llegó, por ejemplo), se ' +
    'responde lo mismo que la primera vez, con la cabecera Idempotent-Replayed, sin hacer nada ' +
    'otra vez: 409 API.IDEMPOTENCY_KEY_IN_PROGRESS mientras la primera sigue en curso, 422 ' +
    'API.IDEMPOTENCY_KEY_REUSED si la clave se usó para otra petición. Las claves son de cada ' +
    'usuario y se guardan 24 horas; una respuesta 5xx no se guarda (al repetir se intenta de ' +
    'nuevo). Una subida de archivos se reconoce por la operación, no por sus bytes.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

/**
 * A stream of server-sent events. OpenAPI 3.1 has no words for its events, so their `data`
 * schemas go in `x-events`, by event name.
 */
const eventStream = (
  events: Readonly<Record<string, z.ZodType>>,
  schemas: SchemaConverter,
): JsonSchema => ({
  schema: { type: 'string', description: 'Eventos en el formato text/event-stream' },
  'x-events': Object.fromEntries(
    Object.entries(events).map(([name, data]) => [name, schemas.convert(data, 'output')]),
  ),
});

const problemResponseName = (status: number): string => `Problem${status}`;

/**
 * zod schemas as JSON Schema 2020-12 (OpenAPI 3.1's dialect). Named schemas become
 * `components.schemas` entries that the rest refers to.
 */
class SchemaConverter {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as JsonSchema;
    const { $defs, ...rest } = json;
    delete rest.$schema; // the document's own dialect applies
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.add(id, withComponentRefs(definition) as JsonSchema);
    }
    return withComponentRefs(rest) as JsonSchema;
  }

  parameters(schema: z.ZodObject | undefined, location: 'path' | 'query' | 'header'): JsonSchema[] {
    if (!schema) return [];
    const json = this.convert(schema, 'input');
    const required = new Set((json.required as string[] | undefined) ?? []);
    return Object.entries((json.properties ?? {}) as Record<string, JsonSchema>).map(
      ([name, property]) => ({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        ...(typeof property.description === 'string' ? { description: property.description } : {}),
        schema: property,
      }),
    );
  }

  private add(id: string, definition: JsonSchema): void {
    const known = this.components[id];
    if (known && !isDeepStrictEqual(known, definition)) {
      // The same name for two shapes (a named schema read as input and as output): rename one.
      throw new Error(`the schema named ${id} differs between two of its uses`);
    }
    this.components[id] = definition;
  }
}

const withComponentRefs = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withComponentRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace(/^#\/\$defs\//, '#/components/schemas/')
        : withComponentRefs(inner),
    ]),
  );
};

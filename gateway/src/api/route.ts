import { randomUUID } from 'node:crypto';
import { ForbiddenError } from '@expedientes/shared-kernel';
import { requestContext } from '@expedientes/shared-kernel/adapters/runtime';
import { Request, Response } from 'express';
import { z } from 'zod';
import { CallContext, Caller } from '../ports/caller';
import { requireCaller } from '../security/caller-of-request';
import { UnsupportedMediaTypeError } from './api-errors';
import { idempotencyKeyOf } from './idempotency';
import { FormPart, formParts, isMultipart, MULTIPART } from './multipart';

export const ROLES = ['tramitador', 'validador', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Method = 'get' | 'post' | 'put' | 'patch';

export interface ResponseSpec {
  readonly description: string;
  /** The JSON body; none for an empty answer. */
  readonly schema?: z.ZodType;
  /** The body is a file's bytes, of whatever type it has. */
  readonly binary?: true;
  /** The body is CSV text (UTF-8). */
  readonly csv?: true;
  /** The body is a stream of server-sent events: each event's name, and what its `data` holds. */
  readonly events?: Readonly<Record<string, z.ZodType>>;
  /** Response headers worth knowing, by name: what each says. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Where the answer leads (OpenAPI links): other operations, by operationId, with their
   * parameters taken from it (`$response.body#/expedienteId`, `$response.header.ETag`).
   */
  readonly links?: Readonly<Record<string, ResponseLink>>;
}

export interface ResponseLink {
  readonly operationId: string;
  readonly parameters: Readonly<Record<string, string>>;
}

export type BodySpec<TBody extends z.ZodType> =
  | { readonly kind: 'json'; readonly schema: TBody }
  /** Read as it streams (`request.form()`); the schema only describes it. */
  | { readonly kind: 'multipart'; readonly schema: z.ZodObject; readonly maxFiles: number };

type Parsed<TSchema> = TSchema extends z.ZodType ? z.output<TSchema> : undefined;

/** A route as the handler sees it: the input already checked, and who asks. */
export interface ApiRequest<TParams, TQuery, THeaders, TBody> {
  readonly params: Parsed<TParams>;
  readonly query: Parsed<TQuery>;
  readonly headers: Parsed<THeaders>;
  readonly body: Parsed<TBody>;
  /** What every call to a service carries on behalf of the caller. */
  readonly call: CallContext;
  /** The parts of a multipart body as they stream in. */
  form(): AsyncGenerator<FormPart>;
  readonly res: Response;
}

/** What the API's documentation and the router both read of a route. */
interface RouteDescription {
  readonly method: Method;
  /** OpenAPI's template syntax: `/expedientes/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** Who may call it; `public` needs no identity at all. */
  readonly roles: readonly Role[] | 'public';
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: BodySpec<z.ZodType>;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** The refusals this route may answer beyond those every route may (400, 401, 403, 429...). */
  readonly problems?: readonly number[];
}

export interface RouteSpec<
  TParams extends z.ZodObject | undefined,
  TQuery extends z.ZodObject | undefined,
  THeaders extends z.ZodObject | undefined,
  TBody extends z.ZodType | undefined,
> extends Omit<RouteDescription, 'params' | 'query' | 'headers' | 'body'> {
  readonly params?: TParams;
  readonly query?: TQuery;
  readonly headers?: THeaders;
  readonly body?: BodySpec<TBody extends z.ZodType ? TBody : z.ZodType>;
  handle(request: ApiRequest<TParams, TQuery, THeaders, TBody>): Promise<void>;
}

export interface ServeOptions {
  /** The largest file an upload may carry (documents' DOCUMENT_MAX_BYTES). */
  readonly maxFileBytes: number;
}

/** A declared route: described once, for the router and the OpenAPI document alike. */
export interface RouteDefinition extends RouteDescription {
  serve(req: Request, res: Response, options: ServeOptions): Promise<void>;
}

/**
 * Declares a route of the API. Serving it checks, in this order: the caller (401) and their
 * roles (403), the body's media type (415), then the path, query, headers and JSON body
 * against their schemas (400 with the field errors), and only then runs the handler.
 */
export function route<
  TParams extends z.ZodObject | undefined = undefined,
  TQuery extends z.ZodObject | undefined = undefined,
  THeaders extends z.ZodObject | undefined = undefined,
  TBody extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<TParams, TQuery, THeaders, TBody>): RouteDefinition {
  const { handle, ...description } = spec;
  return {
    ...(description as RouteDescription),
    async serve(req, res, options) {
      const caller = spec.roles === 'public' ? undefined : authorized(res, spec.roles);
      const body = spec.body;
      if (body?.kind === 'json' && !req.is('application/json')) {
        throw new UnsupportedMediaTypeError('application/json');
      }
      if (body?.kind === 'multipart' && !isMultipart(req)) {
        throw new UnsupportedMediaTypeError(MULTIPART);
      }
      const input = parseAll({
        params: [spec.params, req.params],
        query: [spec.query, req.query],
        headers: [spec.headers, req.headers],
        body: [body?.kind === 'json' ? body.schema : undefined, req.body],
      }) as Pick<
        ApiRequest<TParams, TQuery, THeaders, TBody>,
        'params' | 'query' | 'headers' | 'body'
      >;
      await handle({
        ...input,
        // Public routes call no service, so they have no token to pass on.
        call: {
          token: caller?.token ?? '',
          correlationId: requestContext(res).correlationId,
          idempotencyKey:
            spec.method === 'get' ? undefined : (idempotencyKeyOf(req) ?? randomUUID()),
        },
        form: () => {
          if (body?.kind !== 'multipart') throw new Error(`${spec.operationId} takes no form`);
          return formParts(req, res, {
            maxFileBytes: options.maxFileBytes,
            maxFiles: body.maxFiles,
          });
        },
        res,
      });
    },
  };
}

function authorized(res: Response, roles: readonly Role[]): Caller {
  const caller = requireCaller(res);
  if (!caller.actor.roles.some((role) => (roles as readonly string[]).includes(role))) {
    throw new ForbiddenError(`Hace falta el rol ${roles.join(' o ')} para esta operación`, {
      roles: [...roles],
    });
  }
  return caller;
}

/** Each part of the input checked against its schema; every field error at once. */
function parseAll(
  parts: Record<string, [z.ZodType | undefined, unknown]>,
): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  const issues: z.core.$ZodIssue[] = [];
  for (const [name, [schema, value]] of Object.entries(parts)) {
    if (!schema) continue;
    const result = schema.safeParse(value);
    if (result.success) parsed[name] = result.data;
    else issues.push(...result.error.issues);
  }
  if (issues.length > 0) throw new z.ZodError(issues);
  return parsed;
}

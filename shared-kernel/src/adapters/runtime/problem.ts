import { z } from 'zod';
import { DomainErrorKind, isDomainError } from '../../domain/domain-error';

/** RFC 9457 problem details, the body of every error response. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code?: string;
  readonly errors?: ReadonlyArray<{ readonly field: string; readonly message: string }>;
  readonly [extension: string]: unknown;
}

const statusOf: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rule: 422,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
};

export const problem = (status: number, detail: string, extra: Partial<Problem> = {}): Problem => ({
  type: extra.code ? `urn:expedientes:problem:${extra.code}` : 'about:blank',
  title: titles[status] ?? 'Error',
  status,
  detail,
  ...extra,
});

/** Errors body-parser and friends raise for a malformed request: the client's mistake. */
interface HttpClientError {
  readonly status?: number;
  readonly statusCode?: number;
  readonly expose?: boolean;
  readonly message: string;
}

const isClientHttpError = (error: unknown): error is HttpClientError => {
  const status = (error as HttpClientError)?.status ?? (error as HttpClientError)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/**
 * The one place where errors become HTTP: domain errors by kind, invalid input with its field
 * errors, malformed requests by their status. Anything else is a 500 that says nothing inside.
 */
export function problemFor(error: unknown): Problem {
  if (isDomainError(error)) {
    return problem(statusOf[error.kind], error.message, {
      code: error.code,
      ...(Object.keys(error.details).length ? { details: error.details } : {}),
    });
  }
  if (error instanceof z.ZodError) {
    return problem(400, 'La solicitud no es válida', {
      code: 'REQUEST.INVALID',
      errors: error.issues.map((issue) => ({
        field: issue.path.join('.'),
        message: issue.message,
      })),
    });
  }
  if (isClientHttpError(error)) {
    const status = error.status ?? error.statusCode ?? 400;
    return problem(
      status,
      error.expose === false ? (titles[status] ?? 'Bad Request') : error.message,
    );
  }
  return problem(500, 'Algo ha fallado de nuestro lado; ha quedado registrado');
}

import { t } from '../i18n';

/** RFC 9457 problem details as the gateway sends them (application/problem+json). */
export interface Problem {
  readonly status?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly code?: string;
  readonly errors?: ReadonlyArray<{ readonly field?: string; readonly message?: string }>;
  /** The refusal's particulars: auth names there the field of an invalid user (`campo`). */
  readonly details?: { readonly campo?: unknown };
}

/** A refused or failed request, in plain words, with the form fields it is about. */
export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    /** Form field -> what is wrong with it. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Refusals whose problem names no field but is about one: they are shown next to it. (A saga's
 * failure carries the same codes.)
 */
const FIELD_OF_CODE: Readonly<Record<string, string>> = {
  'EXPEDIENTE.CODIGO_DUPLICADO': 'codigo',
  'EXPEDIENTE.CODIGO_INVALIDO': 'codigo',
  'EXPEDIENTE.OPCION_INICIAL_INVALIDA': 'opcionInicial',
  'EXPEDIENTE.DESCRIPCION_DEMASIADO_LARGA': 'descripcion',
  'EXPEDIENTE.SIN_DOCUMENTOS': 'files',
  'AUTH.USER_EXISTS': 'username',
  'AUTH.WEAK_PASSWORD': 'password',
  'AUTH.UNKNOWN_ROLE': 'roles',
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** `files.0` is about the field `files`. */
const fieldName = (path: string): string => path.split('.')[0] ?? path;

/** The field errors of a problem: its `errors`, or the field its code is about. */
function fieldsOf(problem: Problem, message: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of problem.errors ?? []) {
    const field = text(error.field);
    const said = text(error.message);
    if (field && said && !(fieldName(field) in fields)) fields[fieldName(field)] = said;
  }
  const codeField =
    (problem.code ? FIELD_OF_CODE[problem.code] : undefined) ?? text(problem.details?.campo);
  if (codeField && !(codeField in fields)) fields[codeField] = message;
  return fields;
}

/** The error for a problem document (or whatever body a failed answer had). */
export function errorFromProblem(status: number, body: unknown): ApiError {
  const problem: Problem = typeof body === 'object' && body !== null ? (body as Problem) : {};
  const message = text(problem.detail) ?? text(problem.title) ?? t('app.errorDesconocido');
  return new ApiError(status, message, text(problem.code) ?? null, fieldsOf(problem, message));
}

/** The error for an operation (saga) that ended without doing what was asked. */
export function errorFromFallo(
  fallo: { readonly code: string | null; readonly message: string } | null,
): ApiError {
  return errorFromProblem(422, {
    detail: fallo?.message ?? t('operacion.fallida'),
    code: fallo?.code ?? undefined,
  });
}

/** The request never got an answer. */
export const networkError = (): ApiError => new ApiError(0, t('app.sinConexion'));

/** Any thrown thing as the message to show. */
export const messageOf = (error: unknown): string =>
  error instanceof ApiError ? error.message : t('app.errorDesconocido');

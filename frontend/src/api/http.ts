import { CSRF_HEADER, currentCsrfToken, goToLogin } from './session-token';
import { IDEMPOTENCY_KEY_HEADER, newIdempotencyKey } from './idempotency';
import { errorFromProblem, networkError } from './problem';

export const API_BASE = '/api/v1';

export interface Answer<TData> {
  readonly status: number;
  readonly data: TData;
  readonly headers: Headers;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'PUT';
  readonly query?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** A change's Idempotency-Key: the action's own (see ActionKey), or a new one for this call. */
  readonly idempotencyKey?: string;
}

/** `/api/v1<path>?query`. */
export function apiUrl(path: string, query: Readonly<Record<string, string>> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

async function bodyOf(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/plain')) return response.text();
  if (!type.includes('json')) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/**
 * One call to the API: JSON in and out, the CSRF token and an Idempotency-Key on whatever
 * changes something, a problem answer as an ApiError, and 401 as the way to the login.
 */
export async function request<TData>(
  path: string,
  options: RequestOptions = {},
): Promise<Answer<TData>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = currentCsrfToken();
  if (method !== 'GET') {
    if (token) headers[CSRF_HEADER] = token;
    headers[IDEMPOTENCY_KEY_HEADER] = options.idempotencyKey ?? newIdempotencyKey();
  }
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw networkError();
  }
  if (response.status === 401) return goToLogin();
  const data = await bodyOf(response);
  if (!response.ok) throw errorFromProblem(response.status, data);
  return { status: response.status, data: data as TData, headers: response.headers };
}

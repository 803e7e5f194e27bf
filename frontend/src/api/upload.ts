import { apiUrl, Answer } from './http';
import { errorFromProblem, networkError } from './problem';
import { IDEMPOTENCY_KEY_HEADER, newIdempotencyKey } from './idempotency';
import { CSRF_HEADER, currentCsrfToken, goToLogin } from './session-token';

/** How far an upload is: bytes sent of the total, and the rounded percentage. */
export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
  readonly percent: number;
}

export const progressOf = (loaded: number, total: number): UploadProgress => ({
  loaded,
  total,
  percent: total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0,
});

/** The part of XMLHttpRequest an upload uses (so tests can stand in for it). */
export interface UploadRequest {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getAllResponseHeaders(): string;
  send(body: FormData): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((event: ProgressEvent) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

export interface UploadOptions {
  readonly onProgress?: (progress: UploadProgress) => void;
  /** The upload's Idempotency-Key: the action's own (see ActionKey), or a new one. */
  readonly idempotencyKey?: string;
  /** Aborts the upload; once its answer came, there is nothing left to abort. */
  readonly signal?: AbortSignal;
  /** Only for tests: the request object. */
  readonly createRequest?: () => UploadRequest;
}

function headersOf(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const at = line.indexOf(':');
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
}

function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** What an aborted upload rejects with, as fetch does. */
export const abortError = (): DOMException =>
  new DOMException('The upload was aborted', 'AbortError');

export const isAbortError = (error: unknown): boolean =>
  error instanceof DOMException && error.name === 'AbortError';

/**
 * POSTs a multipart form to the API with XMLHttpRequest, the one browser API that reports
 * upload progress. Same answers as `request`: data, ApiError, or the way to the login; an
 * abort through `signal` rejects with an AbortError.
 */
export function uploadForm<TData>(
  path: string,
  form: FormData,
  options: UploadOptions = {},
): Promise<Answer<TData>> {
  const xhr = options.createRequest?.() ?? (new XMLHttpRequest() as UploadRequest);
  const { signal } = options;
  return new Promise<Answer<TData>>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const abort = () => xhr.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const done = () => signal?.removeEventListener('abort', abort);
    xhr.open('POST', apiUrl(path));
    xhr.setRequestHeader('accept', 'application/json');
    const token = currentCsrfToken();
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.setRequestHeader(IDEMPOTENCY_KEY_HEADER, options.idempotencyKey ?? newIdempotencyKey());
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(progressOf(event.loaded, event.total));
    };
    xhr.onload = () => {
      done();
      if (xhr.status === 401) {
        goToLogin().then(resolve, reject);
        return;
      }
      const data = parsed(xhr.responseText);
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(errorFromProblem(xhr.status, data));
        return;
      }
      const headers = headersOf(xhr.getAllResponseHeaders());
      resolve({ status: xhr.status, data: data as TData, headers });
    };
    xhr.onerror = () => {
      done();
      reject(networkError());
    };
    xhr.onabort = () => {
      done();
      reject(signal?.aborted ? abortError() : networkError());
    };
    xhr.send(form);
  });
}

import { ApiError } from '../../src/api/problem';
import { rememberCsrfToken } from '../../src/api/session-token';
import {
  isAbortError,
  progressOf,
  UploadProgress,
  UploadRequest,
  uploadForm,
} from '../../src/api/upload';

/** Stands in for XMLHttpRequest: records what is sent, and answers when told. */
class FakeRequest implements UploadRequest {
  method = '';
  url = '';
  readonly sentHeaders: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  responseText = '';
  responseHeaders = '';
  readonly upload: UploadRequest['upload'] = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string): void {
    this.sentHeaders[name] = value;
  }
  getAllResponseHeaders(): string {
    return this.responseHeaders;
  }
  send(body: FormData): void {
    this.body = body;
  }
  aborted = false;
  abort(): void {
    // As XMLHttpRequest: once answered, an abort does nothing.
    if (this.aborted || this.status !== 0) return;
    this.aborted = true;
    this.onabort?.();
  }

  progress(loaded: number, total: number, lengthComputable = true): void {
    this.upload.onprogress?.({ loaded, total, lengthComputable } as ProgressEvent);
  }
  answer(status: number, body: unknown, headers = 'content-type: application/json\r\n'): void {
    this.status = status;
    this.responseText = body === undefined ? '' : JSON.stringify(body);
    this.responseHeaders = headers;
    this.onload?.();
  }
}

const form = (): FormData => {
  const data = new FormData();
  data.append('codigo', 'EXP-1');
  return data;
};

describe('uploads report their progress', () => {
  afterEach(() => rememberCsrfToken(undefined));

  it('computes the percentage, whole and never past 100', () => {
    expect(progressOf(0, 200)).toEqual({ loaded: 0, total: 200, percent: 0 });
    expect(progressOf(199, 200).percent).toBe(99);
    expect(progressOf(250, 200).percent).toBe(100);
    expect(progressOf(10, 0).percent).toBe(0);
  });

  it('posts the form with the CSRF token, reports progress and resolves with the answer', async () => {
    rememberCsrfToken('token-1');
    const request = new FakeRequest();
    const seen: UploadProgress[] = [];
    const sent = form();
    const done = uploadForm<{ sagaId: string }>('/expedientes', sent, {
      onProgress: (progress) => seen.push(progress),
      createRequest: () => request,
    });
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/expedientes');
    expect(request.sentHeaders['x-csrf-token']).toBe('token-1');
    expect(request.sentHeaders['Idempotency-Key']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(request.body).toBe(sent);

    request.progress(50, 200);
    request.progress(10, 0, false); // no length known: nothing to report
    request.progress(200, 200);
    request.answer(202, { sagaId: 's-1', estado: 'running' }, 'location: /api/v1/sagas/s-1\r\n');

    const answer = await done;
    expect(seen.map((progress) => progress.percent)).toEqual([25, 100]);
    expect(answer.status).toBe(202);
    expect(answer.data).toEqual({ sagaId: 's-1', estado: 'running' });
    expect(answer.headers.get('location')).toBe('/api/v1/sagas/s-1');
  });

  it('rejects with the problem, field errors included', async () => {
    const request = new FakeRequest();
    const done = uploadForm('/expedientes', form(), { createRequest: () => request });
    request.answer(409, {
      status: 409,
      detail: 'Ya existe un expediente con el código EXP-1',
      code: 'EXPEDIENTE.CODIGO_DUPLICADO',
    });
    const error = await done.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(409);
    expect((error as ApiError).fields).toEqual({
      codigo: 'Ya existe un expediente con el código EXP-1',
    });
  });

  it("sends the action's own Idempotency-Key when given one, a new one per upload otherwise", () => {
    const keyed = new FakeRequest();
    void uploadForm('/expedientes', form(), {
      idempotencyKey: 'clave-1',
      createRequest: () => keyed,
    }).catch(() => undefined);
    expect(keyed.sentHeaders['Idempotency-Key']).toBe('clave-1');
    const [first, second] = [new FakeRequest(), new FakeRequest()];
    for (const request of [first, second]) {
      void uploadForm('/expedientes', form(), { createRequest: () => request }).catch(
        () => undefined,
      );
    }
    expect(first.sentHeaders['Idempotency-Key']).not.toBe(second.sentHeaders['Idempotency-Key']);
  });

  it('rejects with the network message when the request fails', async () => {
    const request = new FakeRequest();
    const done = uploadForm('/expedientes', form(), { createRequest: () => request });
    request.onerror?.();
    await expect(done).rejects.toThrow('No se pudo contactar con el servidor');
  });

  it('aborts the request through its signal, rejecting with an AbortError', async () => {
    const request = new FakeRequest();
    const cancel = new AbortController();
    const done = uploadForm('/expedientes', form(), {
      signal: cancel.signal,
      createRequest: () => request,
    });
    cancel.abort();
    expect(request.aborted).toBe(true);
    const error = await done.catch((failure: unknown) => failure);
    expect(isAbortError(error)).toBe(true);
  });

  it('does not send at all when already aborted, and ignores an abort after the answer', async () => {
    const never = new FakeRequest();
    const cancelled = new AbortController();
    cancelled.abort();
    const refused = uploadForm('/expedientes', form(), {
      signal: cancelled.signal,
      createRequest: () => never,
    });
    expect(isAbortError(await refused.catch((failure: unknown) => failure))).toBe(true);
    expect(never.body).toBeNull();

    const request = new FakeRequest();
    const late = new AbortController();
    const done = uploadForm<{ expedienteId: string }>('/expedientes', form(), {
      signal: late.signal,
      createRequest: () => request,
    });
    request.answer(201, { expedienteId: 'e-1' });
    late.abort();
    expect((await done).data).toEqual({ expedienteId: 'e-1' });
    expect(request.aborted).toBe(false);
  });

  it('tells a lost connection apart from an abort', async () => {
    const request = new FakeRequest();
    const done = uploadForm('/expedientes', form(), { createRequest: () => request });
    request.onabort?.(); // not through the signal: the browser gave it up
    const error = await done.catch((failure: unknown) => failure);
    expect(isAbortError(error)).toBe(false);
    expect(error).toBeInstanceOf(ApiError);
  });
});

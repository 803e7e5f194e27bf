/** An answer of the API, its body read as JSON where it is JSON. */
export interface ApiReply<TBody = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: TBody;
  readonly bytes: Buffer;
}

export interface ApiRequestInit {
  readonly method?: string;
  readonly token?: string;
  readonly json?: unknown;
  readonly form?: FormData;
  readonly body?: RequestInit['body'];
  readonly headers?: Record<string, string>;
}

/** A file for a multipart form, as a browser would send it. */
export const fileOf = (bytes: Buffer, name: string, type = 'application/pdf'): File =>
  new File([bytes], name, { type });

/** Calls the gateway's API at `baseUrl` (e.g. http://127.0.0.1:8080/api/v1). */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<TBody = any>(path: string, init: ApiRequestInit = {}): Promise<ApiReply<TBody>> {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
    let body: RequestInit['body'] = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    } else if (init.form) {
      body = init.form;
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    const parsed =
      /json/.test(type) && bytes.length > 0
        ? JSON.parse(bytes.toString('utf8'))
        : bytes.toString('utf8');
    return { status: response.status, headers: response.headers, body: parsed as TBody, bytes };
  }
}

/** A multipart form with the fields first, then the files under `fileField`. */
export function formOf(
  fields: Record<string, string>,
  files: readonly File[] = [],
  fileField = 'files',
): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append(fileField, file);
  return form;
}

export type ServiceName = 'expedientes' | 'documents' | 'bpm' | 'search';

export interface Reply<TBody = any> {
  readonly status: number;
  readonly body: TBody;
  readonly headers: Headers;
}

/** Where each service's API answers: its own process, or a prefix of the embedded one. */
export type ServiceUrls = (service: ServiceName) => string;

/** Talks to the services' HTTP APIs as one user, with that user's bearer token. */
export class PlatformClient {
  constructor(
    private readonly urls: ServiceUrls,
    readonly token: string,
  ) {}

  get<TBody = any>(service: ServiceName, path: string): Promise<Reply<TBody>> {
    return this.send(service, path, { method: 'GET' });
  }

  post<TBody = any>(service: ServiceName, path: string, body?: unknown): Promise<Reply<TBody>> {
    return this.send(service, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Uploads a file's bytes to documents, as staged content no expediente has claimed yet. */
  upload(nombre: string, content: Buffer): Promise<Reply> {
    return this.send('documents', '/documents', {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'x-file-name': encodeURIComponent(nombre),
      },
      body: content,
    });
  }

  async download(documentId: string): Promise<Buffer> {
    const response = await fetch(`${this.urls('documents')}/documents/${documentId}/content`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) throw new Error(`download of ${documentId}: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  private async send(service: ServiceName, path: string, init: RequestInit): Promise<Reply> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    const response = await fetch(`${this.urls(service)}${path}`, { ...init, headers });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  }
}

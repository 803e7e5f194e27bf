import { setTimeout as sleep } from 'node:timers/promises';
import { HttpClient, jsonOf, kindOf, Outcome } from './http';

/** A machine client of the authorization server (client credentials grant). */
export interface Credentials {
  readonly clientId: string;
  readonly secret: string;
}

/** Access tokens of one machine client, fetched again a minute before they expire. */
export class TokenSource {
  private current?: { readonly value: string; readonly renewAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly http: HttpClient,
    private readonly tokenUrl: string,
    private readonly credentials: Credentials,
  ) {}

  get(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt) {
      return Promise.resolve(this.current.value);
    }
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<string> {
    const { clientId, secret } = this.credentials;
    const outcome = await this.http.send('POST', this.tokenUrl, {
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = outcome.ok
      ? jsonOf<{ access_token?: string; expires_in?: number }>(outcome)
      : undefined;
    if (!outcome.ok || outcome.status !== 200 || typeof body?.access_token !== 'string') {
      throw new Error(`no token for ${clientId} at ${this.tokenUrl}: ${kindOf(outcome)}`);
    }
    const lifetimeMs = (body.expires_in ?? 300) * 1000;
    this.current = {
      value: body.access_token,
      renewAt: Date.now() + Math.max(lifetimeMs / 2, lifetimeMs - 60_000),
    };
    return body.access_token;
  }
}

/** The end of a saga that answered 202, as GET /api/v1/sagas/{id} tells it. */
export type SagaEnd =
  | { readonly estado: 'completed'; readonly expedienteId: string }
  | { readonly estado: 'compensated' | 'failed'; readonly detail: string }
  | { readonly estado: 'timeout'; readonly detail: string };

const API = '/api/v1';

/** Sagas followed at once. */
const SAGA_FOLLOWERS = 16;

/** A counting semaphore: at most `size` holders, the others wait in turn. */
export class Limiter {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.held < this.size) {
      this.held++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes on
    else this.held--;
  }
}

/** The platform's public API, as a client with a bearer token calls it. */
export class Api {
  private readonly followers = new Limiter(SAGA_FOLLOWERS);

  constructor(
    readonly http: HttpClient,
    readonly baseUrl: string,
    private readonly user: TokenSource,
    private readonly admin: TokenSource,
  ) {}

  /** Gets both tokens now: a start-up failure shows here, before any scenario. */
  async warmUp(): Promise<void> {
    await Promise.all([this.user.get(), this.admin.get()]);
  }

  async get(path: string): Promise<Outcome> {
    return this.http.send('GET', `${this.baseUrl}${API}${path}`, {
      headers: { authorization: `Bearer ${await this.user.get()}`, accept: 'application/json' },
    });
  }

  async postJson(path: string, body: unknown): Promise<Outcome> {
    return this.http.send('POST', `${this.baseUrl}${API}${path}`, {
      headers: {
        authorization: `Bearer ${await this.user.get()}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
    });
  }

  async postMultipart(path: string, body: Buffer, contentType: string): Promise<Outcome> {
    return this.http.send('POST', `${this.baseUrl}${API}${path}`, {
      headers: {
        authorization: `Bearer ${await this.user.get()}`,
        'content-type': contentType,
        accept: 'application/json',
      },
      body,
    });
  }

  /** A call outside the public API (a service's admin route) with the admin client's token. */
  async adminPost(url: string, timeoutMs?: number): Promise<Outcome> {
    return this.http.send('POST', url, {
      headers: { authorization: `Bearer ${await this.admin.get()}`, accept: 'application/json' },
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  /**
   * Follows a saga that answered 202 until it ends, or until `timeoutMs` after now (the
   * 202). At most SAGA_FOLLOWERS at a time, each polling less often as it waits (every 10 %
   * of the time waited, 0.2 to 2 s): hundreds of 202s under overload must not become
   * thousands of requests a second of the benchmark's own.
   */
  async settleSaga(sagaId: string, timeoutMs: number): Promise<SagaEnd> {
    const acceptedAt = Date.now();
    const deadline = acceptedAt + timeoutMs;
    await this.followers.acquire();
    try {
      let last = 'never answered';
      for (;;) {
        const outcome = await this.get(`/sagas/${encodeURIComponent(sagaId)}`);
        if (outcome.ok && outcome.status === 200) {
          const saga = jsonOf<{
            estado?: string;
            expedienteId?: string;
            fallo?: { code?: string | null; message?: string } | null;
          }>(outcome);
          last = `estado ${saga?.estado}`;
          if (saga?.estado === 'completed' && typeof saga.expedienteId === 'string') {
            return { estado: 'completed', expedienteId: saga.expedienteId };
          }
          if (saga?.estado === 'compensated' || saga?.estado === 'failed') {
            return {
              estado: saga.estado,
              detail: `${saga.fallo?.code ?? ''} ${saga.fallo?.message ?? ''}`.trim(),
            };
          }
        } else {
          last = kindOf(outcome);
        }
        const now = Date.now();
        if (now >= deadline) {
          return {
            estado: 'timeout',
            detail: `saga ${sagaId} had not ended ${Math.round((now - acceptedAt) / 1000)} s after its 202 (last: ${last})`,
          };
        }
        const pause = Math.min(2_000, Math.max(200, (now - acceptedAt) / 10));
        await sleep(Math.min(pause, deadline - now));
      }
    } finally {
      this.followers.release();
    }
  }
}

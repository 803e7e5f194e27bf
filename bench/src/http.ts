import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** An HTTP answer, whatever its status. */
export interface Answer {
  readonly ok: true;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** No answer: the connection failed (`code` as Node tells it) or the client gave up. */
export interface Failure {
  readonly ok: false;
  readonly kind: 'network' | 'timeout';
  readonly code: string;
}

export type Outcome = Answer | Failure;

export interface RequestOptions {
  readonly headers?: Record<string, string | number>;
  readonly body?: Buffer | string;
  /** Instead of the client's timeout (a rebuild takes longer than any request). */
  readonly timeoutMs?: number;
}

/** Below the 5 s Node's servers keep an idle connection open by default. */
const IDLE_SOCKET_MS = 4_000;

class ClientTimeout extends Error {
  readonly code = 'TIMEOUT';
}

/**
 * A small HTTP/1.1 client over node:http with keep-alive: cheaper per request than fetch,
 * so the load generator leaves the two cores to the system it measures. Never throws: a
 * failure is an outcome like any other, told apart by kind.
 */
export class HttpClient {
  private agent = HttpClient.newAgent();

  constructor(private readonly timeoutMs: number) {}

  private static newAgent(): Agent {
    // Fresh sockets per request would measure connection set-up; one per client in flight.
    // An idle one is closed after IDLE_SOCKET_MS, before the server closes it: the agent
    // would otherwise keep it exactly as long as the server's Keep-Alive hint, and a request
    // sent on it as the server closes it fails with ECONNRESET (seen once in CI's chaos run).
    // A request in flight is not affected: only its own timeout ends it.
    return new Agent({
      keepAlive: true,
      maxSockets: Infinity,
      maxFreeSockets: 1024,
      timeout: IDLE_SOCKET_MS,
    });
  }

  /** Drops the idle connections (between scenarios: the server closes them after 5 s idle). */
  reset(): void {
    this.agent.destroy();
    this.agent = HttpClient.newAgent();
  }

  close(): void {
    this.agent.destroy();
  }

  send(method: string, url: string, options: RequestOptions = {}): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const headers: Record<string, string | number> = { ...options.headers };
      if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          settle({
            ok: true,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', (error: NodeJS.ErrnoException) => settle(failureOf(error)));
      });
      const timer = setTimeout(
        () => req.destroy(new ClientTimeout('client timeout')),
        options.timeoutMs ?? this.timeoutMs,
      );
      req.on('error', (error: NodeJS.ErrnoException) => settle(failureOf(error)));
      req.end(options.body);
    });
  }
}

function failureOf(error: NodeJS.ErrnoException): Failure {
  if (error instanceof ClientTimeout) return { ok: false, kind: 'timeout', code: 'TIMEOUT' };
  return { ok: false, kind: 'network', code: error.code ?? error.message };
}

/** The correlation id the gateway answered with, which its services log the request's work under. */
export const correlationOf = (outcome: Outcome): string | undefined => {
  const id = outcome.ok ? outcome.headers['x-correlation-id'] : undefined;
  return typeof id === 'string' ? id : undefined;
};

/** The JSON body of an answer, or undefined when it is not JSON. */
export function jsonOf<T = unknown>(answer: Answer): T | undefined {
  try {
    return JSON.parse(answer.body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * How an outcome is counted: the status for an answer (`201`, `503`), else `network <code>`
 * or `timeout`. Problem answers add their stable code (`409 EXPEDIENTES.CODIGO_DUPLICADO`).
 */
export function kindOf(outcome: Outcome): string {
  if (!outcome.ok) return outcome.kind === 'timeout' ? 'timeout' : `network ${outcome.code}`;
  if (outcome.status < 400) return String(outcome.status);
  const code = jsonOf<{ code?: unknown }>(outcome)?.code;
  return typeof code === 'string' ? `${outcome.status} ${code}` : String(outcome.status);
}

/** Milliseconds since an arbitrary origin, for intervals. */
export const now = (): number => performance.now();

import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '@expedientes/shared-kernel';
import { currentTraceparent, problem, Problem } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { ProblemError } from '../../problem-error';
import { HttpTransport } from './in-process-transport';
import { CONNECT_TIMEOUT } from './node-http-transport';
import { CallContext } from '../../ports/caller';
import {
  parseServiceAnswer,
  ServiceFailedError,
  ServiceOutcomeUnknownError,
  ServiceRefusalError,
  ServiceTimeoutError,
  ServiceUnavailableError,
} from './service-errors';

export interface ServiceClientOptions {
  /** The service's name, for the problems and logs that mention it. */
  readonly service: string;
  /** Where its API answers: its own process, or `/internal/<service>` of the embedded one. */
  readonly baseUrl: string;
  /** How long the service has to answer once it has the whole request. */
  readonly timeoutMs: number;
  /**
   * Whether the service makes a change sent twice with one Idempotency-Key happen once: then
   * a change whose outcome is unknown, or that it turned away, is tried once more too.
   */
  readonly honorsIdempotencyKeys?: boolean;
  /** How requests travel: over the network, or into the service's handler in this process. */
  readonly transport: HttpTransport;
}

export interface ServiceRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly json?: unknown;
  /** Streamed as it is produced; the deadline starts once the last byte is sent. */
  readonly body?: AsyncIterable<Uint8Array>;
  /** A body in hand, which another try can send again. */
  readonly bytes?: Uint8Array;
  /**
   * A change the service makes harmless to repeat without a key (a new staged document: a
   * repeat leaves one nobody attaches, which its sweeper removes): tried again like a keyed one.
   */
  readonly repeatable?: boolean;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

interface Exchange {
  readonly response: Response;
  readonly signal: AbortSignal;
  readonly settle: () => void;
}

export interface ServiceReply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

/** Headers a refusal may carry that the client should still see. */
const refusalHeaders = ['retry-after', 'www-authenticate'];

/** Failures of a transport that happen before anything of the request reached the service. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  CONNECT_TIMEOUT,
]);

/** The pause before another try of a call the service did not take (a replica restarting). */
const RETRY_PAUSE_MS = 200;
/**
 * Tries of a call worth retrying: a keyed change may be lost on one replica killed while it
 * waits for its saga, and on the next one too when replicas die in turn.
 */
const ATTEMPTS = 3;

/**
 * Calls one service's internal HTTP API as the caller: their bearer token (the service checks
 * it itself) and the request's correlation id go with every call. A call that never reached
 * the service, and a read the service turned away (503) or lost, is tried up to twice more
 * after a moment (another replica may take it); then a service that cannot be reached, is too slow,
 * or fails becomes a 503, 504 or 502 problem, and a change whose connection was lost after
 * it was sent a 502 that says its outcome is unknown. Its refusals (4xx) are passed on as the
 * problems they are.
 */
export class ServiceClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ServiceClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get service(): string {
    return this.options.service;
  }

  /** A JSON exchange: the whole answer is read within the deadline. */
  async send(path: string, request: ServiceRequest, call: CallContext): Promise<ServiceReply> {
    const exchange = await this.exchange(path, request, call);
    try {
      const text = await exchange.response.text();
      return {
        status: exchange.response.status,
        headers: exchange.response.headers,
        json: text ? this.parseJson(text) : null,
      };
    } catch (error) {
      throw this.failure(error, exchange.signal, request);
    } finally {
      exchange.settle();
    }
  }

  /**
   * A streamed answer (2xx or 304): the deadline covers the wait for its headers, not the
   * transfer of its body, which takes as long as the content is large.
   */
  async stream(path: string, request: ServiceRequest, call: CallContext): Promise<Response> {
    const exchange = await this.exchange(path, request, call);
    exchange.settle();
    return exchange.response;
  }

  /** The service's answer read as `schema` says; anything else is the service's fault (502). */
  parse<TSchema extends z.ZodType>(schema: TSchema, value: unknown): z.output<TSchema> {
    return parseServiceAnswer(this.service, schema, value);
  }

  private async exchange(
    path: string,
    request: ServiceRequest,
    call: CallContext,
  ): Promise<Exchange> {
    let outcomeUnknown: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(path, request, call);
      } catch (error) {
        if (error instanceof ServiceOutcomeUnknownError) outcomeUnknown = error;
        // A streamed body is gone once sent: only a body in hand can go again.
        if (request.body || attempt === ATTEMPTS || !this.worthRetrying(error, request, call)) {
          // A try that did not get through does not make an earlier one's outcome known.
          throw error instanceof ServiceUnavailableError && outcomeUnknown ? outcomeUnknown : error;
        }
      }
      await sleep(RETRY_PAUSE_MS);
    }
  }

  private worthRetrying(error: unknown, request: ServiceRequest, call: CallContext): boolean {
    if (error instanceof ServiceUnavailableError && error.notSent) return true;
    if ((request.method ?? 'GET') === 'GET') return error instanceof ServiceUnavailableError;
    const keyed = this.options.honorsIdempotencyKeys === true && call.idempotencyKey !== undefined;
    return (
      (keyed || request.repeatable === true) &&
      (error instanceof ServiceUnavailableError || error instanceof ServiceOutcomeUnknownError)
    );
  }

  private async attempt(
    path: string,
    request: ServiceRequest,
    call: CallContext,
  ): Promise<Exchange> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const startDeadline = (): void => {
      timer ??= setTimeout(
        () => controller.abort(new ServiceTimeoutError(this.service, this.options.timeoutMs)),
        this.options.timeoutMs,
      );
    };
    const settle = (): void => clearTimeout(timer);
    const headers = new Headers({
      accept: 'application/json',
      authorization: `Bearer ${call.token}`,
      'x-correlation-id': call.correlationId,
    });
    if (call.idempotencyKey !== undefined && (request.method ?? 'GET') !== 'GET') {
      headers.set('idempotency-key', call.idempotencyKey);
    }
    const traceparent = currentTraceparent();
    if (traceparent) headers.set('traceparent', traceparent);
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value !== undefined) headers.set(name, value);
    }
    let body: RequestInit['body'];
    const streamed = request.body ? new StreamedBody(request.body, startDeadline) : undefined;
    if (request.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(request.json);
    } else if (request.bytes) {
      body = request.bytes;
    } else if (streamed) {
      body = streamed.chunks();
    }
    if (!request.body) startDeadline();
    try {
      const response = await this.options.transport(this.urlOf(path, request.query), {
        method: request.method ?? 'GET',
        headers,
        body,
        signal: controller.signal,
        // A streamed request body must say so (fetch's half-duplex mode).
        ...(request.body ? { duplex: 'half' } : {}),
      } as RequestInit);
      if (response.ok || response.status === 304) {
        return { response, signal: controller.signal, settle };
      }
      try {
        throw await this.refusalOf(response);
      } finally {
        settle();
      }
    } catch (error) {
      settle();
      // Our own request body refused to go on (an upload over the limit): that is the answer.
      throw streamed?.failure ?? this.failure(error, controller.signal, request);
    }
  }

  private urlOf(path: string, query: ServiceRequest['query']): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) search.set(name, String(value));
    }
    const text = search.toString();
    return `${this.baseUrl}${path}${text ? `?${text}` : ''}`;
  }

  private parseJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new ServiceFailedError(this.service, `not JSON: ${text.slice(0, 200)}`);
    }
  }

  /** A 4xx is the service's refusal, passed on; a 5xx its failure. */
  private async refusalOf(response: Response): Promise<ProblemError> {
    const text = await response.text();
    if (response.status === 503) return new ServiceUnavailableError(this.service, text);
    if (response.status >= 500) {
      return new ServiceFailedError(this.service, `${response.status}: ${text.slice(0, 2_000)}`);
    }
    const headers: Record<string, string> = {};
    for (const name of refusalHeaders) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    return new ServiceRefusalError(problemIn(text, response.status), headers);
  }

  /**
   * What went wrong, as the problem to answer with: not sent, or a read lost, is unavailable
   * (nothing was done); a change lost after it was sent has an unknown outcome.
   */
  private failure(error: unknown, signal: AbortSignal, request: ServiceRequest): unknown {
    if (error instanceof ProblemError) return error;
    if (signal.aborted && signal.reason instanceof ServiceTimeoutError) return signal.reason;
    const cause = (error as { cause?: unknown })?.cause;
    const described = describeError(cause ?? error);
    const code = (cause as { code?: unknown } | undefined)?.code;
    const notSent = typeof code === 'string' && NOT_SENT.has(code);
    if (notSent || (request.method ?? 'GET') === 'GET') {
      return new ServiceUnavailableError(this.service, described, notSent);
    }
    return new ServiceOutcomeUnknownError(this.service, described);
  }
}

/** The service's problem document, or one made from whatever it answered. */
function problemIn(text: string, status: number): Problem {
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object' && typeof body.detail === 'string') {
      return { ...problem(status, body.detail), ...body, status };
    }
  } catch {
    // not JSON: described below
  }
  return problem(status, text.trim().slice(0, 500) || `HTTP ${status}`);
}

/**
 * A request body as it streams: `sent()` once it has all been handed over, and the error of
 * its source, if it failed (fetch keeps only that error's message; a service in this process
 * may wrap it in its own).
 */
export class StreamedBody {
  failure: unknown;

  constructor(
    private readonly source: AsyncIterable<Uint8Array>,
    private readonly sent: () => void,
  ) {}

  async *chunks(): AsyncIterable<Uint8Array> {
    try {
      yield* this.source;
    } catch (error) {
      this.failure = error;
      throw error;
    }
    this.sent();
  }
}

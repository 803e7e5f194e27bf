import { Problem, problem } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { ProblemError } from '../../problem-error';

/**
 * The service could not be reached (refused, unknown host), turned the request away (its
 * 503), or lost a read: 503, nothing was done, try again later.
 */
export class ServiceUnavailableError extends ProblemError {
  constructor(
    service: string,
    cause: string,
    /** The request never reached the service: sending it again is safe, whatever it asks. */
    readonly notSent = false,
  ) {
    super(
      problem(503, `El servicio ${service} no está disponible ahora; inténtelo más tarde`, {
        title: 'Service Unavailable',
        code: 'API.SERVICE_UNAVAILABLE',
        service,
      }),
      { 'retry-after': '5' },
    );
    this.cause = cause;
  }
}

/**
 * The connection to the service was lost after a change was sent to it: it may have been
 * done or not. 502, saying so, rather than a 503 that would tell the client it was not.
 */
export class ServiceOutcomeUnknownError extends ProblemError {
  constructor(service: string, cause: string) {
    super(
      problem(
        502,
        `Se perdió la conexión con el servicio ${service} después de enviarle la petición: ` +
          'no se sabe si se hizo. Compruébelo antes de repetirla, o repítala con la misma ' +
          'Idempotency-Key',
        { title: 'Bad Gateway', code: 'API.OUTCOME_UNKNOWN', service },
      ),
    );
    this.cause = cause;
  }
}

/** The service did not answer in time: 504, rather than a request that hangs. */
export class ServiceTimeoutError extends ProblemError {
  constructor(service: string, timeoutMs: number) {
    super(
      problem(504, `El servicio ${service} no respondió en ${timeoutMs} ms; inténtelo más tarde`, {
        title: 'Gateway Timeout',
        code: 'API.SERVICE_TIMEOUT',
        service,
      }),
    );
  }
}

/**
 * The service failed (its 5xx) or answered something its API does not promise: 502. What it
 * said stays in the gateway's log (the cause), not in the answer.
 */
export class ServiceFailedError extends ProblemError {
  constructor(service: string, cause: string) {
    super(
      problem(502, `El servicio ${service} falló al atender la petición; se ha registrado`, {
        title: 'Bad Gateway',
        code: 'API.SERVICE_FAILED',
        service,
      }),
    );
    this.cause = cause;
  }
}

/** The service refused the request (its 4xx): its problem is the answer, status and all. */
export class ServiceRefusalError extends ProblemError {
  constructor(refusal: Problem, headers: Readonly<Record<string, string>> = {}) {
    super(refusal, headers);
  }
}

/** A service's answer read as `schema` says; anything else is the service's fault (502). */
export function parseServiceAnswer<TSchema extends z.ZodType>(
  service: string,
  schema: TSchema,
  value: unknown,
): z.output<TSchema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ServiceFailedError(
    service,
    `unexpected answer: ${z.prettifyError(parsed.error).slice(0, 2_000)}`,
  );
}

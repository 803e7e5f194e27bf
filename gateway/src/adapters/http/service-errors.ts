import { Problem, problem } from '@expedientes/shared-kernel/adapters/runtime';
import { ProblemError } from '../../problem-error';

/** The service could not be reached (refused, reset, unknown host): 503, try again later. */
export class ServiceUnavailableError extends ProblemError {
  constructor(service: string, cause: string) {
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

import { describeError, Logger } from '@expedientes/shared-kernel';
import { Problem, problemFor, requestContext } from '@expedientes/shared-kernel/adapters/runtime';
import { ErrorRequestHandler } from 'express';
import { ProblemError } from '../problem-error';
import { CallerUnauthenticatedError } from '../security/caller-of-request';

/** The answer for an error: its problem document and the headers that go with it. */
function answerFor(error: unknown): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof ProblemError)
    return { problem: error.problem, headers: { ...error.headers } };
  const headers: Record<string, string> =
    error instanceof CallerUnauthenticatedError ? { 'www-authenticate': error.challenge } : {};
  return { problem: problemFor(error), headers };
}

/**
 * Every error as application/problem+json: the gateway's own, the services' refusals passed
 * on, the kernel's mapping for the rest. A 5xx is logged with its cause; the answer says
 * nothing of the inside.
 */
export function problemMiddleware(fallbackLogger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { problem, headers } = answerFor(error);
    if (problem.status >= 500) {
      const logger = requestContext(res)?.logger ?? fallbackLogger;
      logger.error(
        {
          error: describeError(error),
          cause: (error as Error)?.cause,
          stack: problem.status === 500 ? (error as Error)?.stack : undefined,
        },
        'request failed',
      );
    }
    res.status(problem.status).set(headers).type('application/problem+json').send(problem);
  };
}

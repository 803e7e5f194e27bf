import { describeError, Logger } from '@expedientes/shared-kernel';
import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { ProblemError } from '../problem-error';
import { callerOf } from './caller-of-request';

export class TooManyRequestsError extends ProblemError {
  constructor(retryAfterSeconds: number) {
    super(
      problem(429, `Demasiadas peticiones: vuelva a intentarlo dentro de ${retryAfterSeconds} s`, {
        title: 'Too Many Requests',
        code: 'API.TOO_MANY_REQUESTS',
      }),
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}

/**
 * At most `perMinute` requests a minute for each user, or for each client address while it
 * has not identified itself (IPv6 addresses by their /56, as a user gets them). Counts are
 * kept in this process: each gateway instance counts its own.
 */
export function rateLimitPerCaller(perMinute: number, logger: Logger): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const caller = callerOf(res);
      return caller ? `user:${caller.actor.userId}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : 60;
      next(new TooManyRequestsError(Math.max(1, seconds)));
    },
    logger: {
      error: (error, message) =>
        logger.error({ error: describeError(error) }, message ?? 'rate limit'),
      warn: (error, message) =>
        logger.warn({ error: describeError(error) }, message ?? 'rate limit'),
    },
  });
}

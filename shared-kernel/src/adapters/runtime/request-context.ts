import { randomUUID } from 'node:crypto';
import { RequestHandler } from 'express';
import { Span } from '@opentelemetry/api';
import { Logger } from '../../ports/logger';
import { contextOf, inSpan, SpanKind } from '../shared/tracing';
import { RequestContext, requestContext } from './request';
import { ScopedLogger } from './logging';
import { ServiceMetrics } from './metrics';

const CORRELATION_HEADER = 'x-correlation-id';
/** A client's id is taken as it is only when it cannot smuggle anything into a header or log. */
const acceptableId = /^[\w.:-]{1,128}$/;

/**
 * Every request gets a correlation id (the client's `x-correlation-id` or `x-request-id`, or
 * a new one): answered in the same header, sent on to every service, on every log line (with
 * the user, once authenticated). One line is logged per request when it ends, and its
 * duration measured by route.
 */
export function requestContextMiddleware(logger: Logger, metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const given = req.header(CORRELATION_HEADER) ?? req.header('x-request-id');
    const correlationId = given && acceptableId.test(given) ? given : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    res.locals.context = {
      correlationId,
      logger: new ScopedLogger(logger, { correlationId }),
    } satisfies RequestContext;
    const started = performance.now();
    const stopTimer = metrics.httpRequests.startTimer({ method: req.method });
    let span: Span | undefined;
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      const status = res.statusCode;
      stopTimer({ route, status: String(status) });
      span?.updateName(`${req.method} ${route}`);
      span?.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      requestContext(res).logger.info(
        {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          route,
          status,
          durationMs: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    // The rest of the request runs in a server span that continues the caller's trace.
    void inSpan(
      req.method,
      SpanKind.SERVER,
      { 'http.request.method': req.method },
      (serverSpan) => {
        span = serverSpan;
        return new Promise<void>((resolve) => {
          res.on('close', resolve);
          next();
        });
      },
      contextOf(req.header('traceparent')),
    );
  };
}

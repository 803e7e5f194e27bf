import { describeError, Logger } from '@expedientes/shared-kernel';
import { requestContext } from '@expedientes/shared-kernel/adapters/runtime';
import { RequestHandler } from 'express';
import { picked, reverseProxy } from '../adapters/http/reverse-proxy';
import { ServiceTimeoutError, ServiceUnavailableError } from '../adapters/http/service-errors';

/** What the web UI's server needs of a browser's request: no cookie, no credentials. */
const REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'if-none-match',
  'if-modified-since',
  'range',
  'if-range',
  'user-agent',
];

/** What of its answer the browser gets: the content and how to cache it. */
const ANSWER_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-range',
  'accept-ranges',
  'cache-control',
  'expires',
  'etag',
  'last-modified',
  'vary',
];

const SERVICE = 'frontend';

/**
 * The web UI from its own server (FRONTEND_URL, the frontend image's nginx), streamed through:
 * status, content and cache headers as it answers them. A server that is down or too slow is
 * a problem like any service's (503, 504).
 */
export function proxiedWebUi(
  target: string,
  options: { readonly timeoutMs: number; readonly logger: Logger },
): RequestHandler {
  return reverseProxy(target, {
    timeoutMs: options.timeoutMs,
    requestHeaders: (req, res) => ({
      ...picked(req.headers, REQUEST_HEADERS),
      'x-correlation-id': requestContext(res).correlationId,
    }),
    answerHeaders: ANSWER_HEADERS,
    onFailure: ({ error, timedOut }, _res, next) => {
      options.logger.warn({ error: describeError(error), target }, 'could not reach the web UI');
      next(
        timedOut
          ? new ServiceTimeoutError(SERVICE, options.timeoutMs)
          : new ServiceUnavailableError(SERVICE, describeError(error)),
      );
    },
  });
}

import { IncomingHttpHeaders, OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { NextFunction, Request, RequestHandler, Response } from 'express';

/** Headers that belong to one connection, not to the request or answer passed on. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

export const withoutHopByHop = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
  const kept = { ...headers };
  for (const name of HOP_BY_HOP) delete kept[name];
  return kept;
};

/** Only the `names` of `headers` that are there. */
export const picked = (
  headers: IncomingHttpHeaders,
  names: readonly string[],
): IncomingHttpHeaders =>
  Object.fromEntries(
    names.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]]),
  );

/** Why the target gave no answer. */
export interface ProxyFailure {
  readonly error: Error;
  /** It took longer than `timeoutMs` without a byte. */
  readonly timedOut: boolean;
}

export interface ReverseProxyOptions {
  /** How long the target may stay silent. */
  readonly timeoutMs: number;
  /** What the target is told of the request: by default its headers but the hop-by-hop ones. */
  readonly requestHeaders?: (req: Request, res: Response) => OutgoingHttpHeaders;
  /** The answer's headers passed back: by default all but the hop-by-hop ones. */
  readonly answerHeaders?: readonly string[];
  /** The target could not be reached or did not answer in time, and nothing was sent yet. */
  readonly onFailure: (failure: ProxyFailure, res: Response, next: NextFunction) => void;
}

class ProxyTimeoutError extends Error {}

/**
 * Passes requests on to `target` (its path prefixed to the request's whole path), bodies
 * streamed both ways, and its answers back with their status. A target that fails once the
 * answer has begun leaves the client a cut connection, as it would have without the proxy.
 */
export function reverseProxy(target: string, options: ReverseProxyOptions): RequestHandler {
  const base = new URL(target);
  const basePath = base.pathname.replace(/\/+$/, '');
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return (req, res, next) => {
    const upstream = send(
      new URL(`${basePath}${req.originalUrl}`, base),
      {
        method: req.method,
        headers: {
          ...(options.requestHeaders?.(req, res) ?? withoutHopByHop(req.headers)),
          host: base.host,
        },
        timeout: options.timeoutMs,
      },
      (answer) => {
        const headers = options.answerHeaders
          ? picked(answer.headers, options.answerHeaders)
          : withoutHopByHop(answer.headers);
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
        answer.once('error', () => res.destroy());
      },
    );
    upstream.on('timeout', () => upstream.destroy(new ProxyTimeoutError('no answer in time')));
    upstream.on('error', (error) => {
      if (res.headersSent) res.destroy();
      else options.onFailure({ error, timedOut: error instanceof ProxyTimeoutError }, res, next);
    });
    // A client that leaves: nobody waits for the rest of the answer.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}

import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { describeError, Logger } from '@expedientes/shared-kernel';
import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { RequestHandler, Response } from 'express';

/** Headers that belong to one connection, not to the request or answer passed on. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
];

const withoutHopByHop = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
  const kept = { ...headers };
  for (const name of HOP_BY_HOP) delete kept[name];
  return kept;
};

function unavailable(res: Response): void {
  res
    .status(503)
    .set('retry-after', '5')
    .type('application/problem+json')
    .send(
      problem(503, 'El servidor de autorización no responde ahora; inténtelo más tarde', {
        title: 'Service Unavailable',
        code: 'AUTH.UNAVAILABLE',
      }),
    );
}

/**
 * Passes the requests of its mount path on to the authorization server at `target` (AUTH_URL),
 * as they are, bodies streamed both ways, so the provider's public URL is the platform's
 * (`<PUBLIC_URL>/auth`). It says what the browser asked for in X-Forwarded-Proto and -Host
 * (the provider, trusting its proxy, builds its URLs from them) and who asked in
 * X-Forwarded-For. Mount it before any body parser.
 */
export function forwardTo(
  target: string,
  options: { readonly timeoutMs: number; readonly logger: Logger },
): RequestHandler {
  const base = new URL(target);
  const basePath = base.pathname.replace(/\/+$/, '');
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return (req, res) => {
    const forwardedFor = [req.get('x-forwarded-for'), req.socket.remoteAddress]
      .filter(Boolean)
      .join(', ');
    const upstream = send(
      new URL(`${basePath}${req.originalUrl}`, base),
      {
        method: req.method,
        headers: {
          ...withoutHopByHop(req.headers),
          host: base.host,
          'x-forwarded-for': forwardedFor,
          'x-forwarded-proto': req.protocol,
          'x-forwarded-host': req.get('host') ?? base.host,
        },
        timeout: options.timeoutMs,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('the authorization server timed out')));
    upstream.on('error', (error) => {
      options.logger.warn(
        { error: describeError(error) },
        'could not reach the authorization server',
      );
      if (res.headersSent) res.destroy();
      else unavailable(res);
    });
    req.pipe(upstream);
  };
}

import { describeError, Logger } from '@expedientes/shared-kernel';
import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { RequestHandler, Response } from 'express';
import { reverseProxy, withoutHopByHop } from './reverse-proxy';

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
 * as they are, so the provider's public URL is the platform's (`<PUBLIC_URL>/auth`). It says
 * what the browser asked for in X-Forwarded-Proto and -Host (the provider, trusting its proxy,
 * builds its URLs from them) and who asked in X-Forwarded-For: last, the client as this gateway
 * sees it (through the proxies TRUST_PROXY believes), which auth counts sign-in attempts by.
 * Mount it before any body parser.
 */
export function forwardTo(
  target: string,
  options: { readonly timeoutMs: number; readonly logger: Logger },
): RequestHandler {
  const host = new URL(target).host;
  return reverseProxy(target, {
    timeoutMs: options.timeoutMs,
    requestHeaders: (req) => ({
      ...withoutHopByHop(req.headers),
      'x-forwarded-for': [req.get('x-forwarded-for'), req.ip].filter(Boolean).join(', '),
      'x-forwarded-proto': req.protocol,
      'x-forwarded-host': req.get('host') ?? host,
    }),
    onFailure: ({ error }, res) => {
      options.logger.warn(
        { error: describeError(error) },
        'could not reach the authorization server',
      );
      unavailable(res);
    },
  });
}

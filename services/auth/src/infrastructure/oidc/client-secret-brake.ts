import { describeError, Logger } from '@expedientes/shared-kernel';
import { Request, RequestHandler } from 'express';
import { LoginThrottle } from '../../application/authenticate/login-throttle';
import { DemasiadosIntentosError } from '../../domain/errors';

/** The client a token request names in its HTTP Basic credentials (client_secret_basic). */
function basicClientOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (!header?.startsWith('Basic ')) return undefined;
  const credentials = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  if (colon < 1) return undefined;
  const id = credentials.slice(0, colon);
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/**
 * The brake on guessing client secrets at the token endpoint: a client whose secret was wrong
 * too often (401, counted per client id as the login page counts per username) is refused
 * with 429 and Retry-After until its lock ends. Only failures count, so that a busy client's
 * many token and refresh requests never lock it. A client sending its secret in the body
 * (client_secret_post) is not counted here: the provider reads that body itself.
 */
export function clientSecretBrake(
  throttle: Pick<LoginThrottle, 'comprobar' | 'fallar'>,
  logger: Logger,
): RequestHandler {
  return (req, res, next) => {
    const cliente = basicClientOf(req);
    if (cliente === undefined) return next();
    throttle.comprobar({ cliente }).then(
      () => {
        res.once('finish', () => {
          if (res.statusCode !== 401) return;
          throttle
            .fallar({ cliente })
            .catch((error: unknown) =>
              logger.error(
                { error: describeError(error) },
                'could not count a failed client authentication',
              ),
            );
        });
        next();
      },
      (error: unknown) => {
        if (!(error instanceof DemasiadosIntentosError)) return next(error);
        res
          .status(429)
          .set({ 'Retry-After': String(error.minutos * 60), 'Cache-Control': 'no-store' })
          .json({ error: 'invalid_client', error_description: error.message });
      },
    );
  };
}

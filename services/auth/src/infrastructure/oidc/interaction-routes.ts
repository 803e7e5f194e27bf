import express, { ErrorRequestHandler, Request, Response } from 'express';
import type { default as Provider, InteractionResults } from 'oidc-provider' with {
  'resolution-mode': 'import',
};
import { describeError, isDomainError, Logger } from '@expedientes/shared-kernel';
import { handle } from '@expedientes/shared-kernel/adapters/runtime';
import { AuthenticateHandler } from '../../application/authenticate/authenticate-handler';
import { DemasiadosIntentosError } from '../../domain/errors';
import { clientAddressOf } from '../http/client-address';
import { loadOidcProvider } from './oidc-provider-library';
import { errorPage, loginPage } from './pages';

export interface InteractionHandlers {
  readonly authenticate: AuthenticateHandler;
}

/** What the consent prompt says is missing from the grant. */
interface ConsentDetails {
  readonly missingOIDCScope?: readonly string[];
  readonly missingOIDCClaims?: readonly string[];
  readonly missingResourceScopes?: Readonly<Record<string, readonly string[]>>;
}

/** Refused sign-ins answer with the login page again, with their status. */
const statusOf: Record<string, number> = {
  unauthenticated: 401,
  forbidden: 403,
};

/** Our pages are never cached, framed, or allowed to run anything. */
function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    })
    .type('html')
    .send(html);
}

/**
 * The provider's interaction pages, under `<issuer>/interaction/:uid`: the login form, and
 * consent, which is granted without asking for the first-party clients and refused for any
 * other. oidc-provider ties an interaction to the browser that started it (the uid in the URL
 * must match its signed, SameSite cookies), which is what keeps a forged form post from
 * another site out.
 */
export function interactionRoutes(
  provider: Provider,
  users: InteractionHandlers,
  firstParty: ReadonlySet<string>,
  prefix: string,
  logger: Logger,
  trustProxy: boolean,
): express.Router {
  const router = express.Router();
  const pageOf = (uid: string, extra: { username?: string; error?: string } = {}) =>
    loginPage({
      action: `${prefix}/interaction/${uid}/login`,
      abort: `${prefix}/interaction/${uid}/abort`,
      ...extra,
    });

  const { errors } = loadOidcProvider();

  /** The interaction of this browser (its cookie), which must be the one in the URL. */
  async function detailsOf(req: Request, res: Response) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== req.params.uid)
      throw new errors.SessionNotFound('interaction uid mismatch');
    return details;
  }

  const finish = (req: Request, res: Response, result: InteractionResults, merge = false) =>
    provider.interactionFinished(req, res, result, { mergeWithLastSubmission: merge });

  async function grantConsent(req: Request, res: Response): Promise<void> {
    const details = await detailsOf(req, res);
    const clientId = String(details.params.client_id);
    if (!firstParty.has(clientId) || !details.session) {
      await finish(req, res, {
        error: 'access_denied',
        error_description: 'este cliente no puede pedir acceso en nombre de los usuarios',
      });
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId });
    if (!grant) throw new Error(`grant ${details.grantId} of interaction ${details.uid} is gone`);
    const missing = details.prompt.details as ConsentDetails;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims([...missing.missingOIDCClaims]);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    await finish(req, res, { consent: details.grantId ? {} : { grantId } }, true);
  }

  router.get(
    '/:uid',
    handle(async (req, res) => {
      const { uid, prompt } = await detailsOf(req, res);
      if (prompt.name === 'consent') await grantConsent(req, res);
      else sendPage(res, 200, pageOf(uid));
    }),
  );

  router.post(
    '/:uid/login',
    express.urlencoded({ extended: false, limit: '8kb' }),
    handle(async (req, res) => {
      const { uid, prompt } = await detailsOf(req, res);
      if (prompt.name !== 'login') {
        res.redirect(303, `${prefix}/interaction/${uid}`);
        return;
      }
      const username = String(req.body?.username ?? '');
      const password = String(req.body?.password ?? '');
      const direccion = clientAddressOf(req, trustProxy);
      try {
        const usuario = await users.authenticate.handle({ username, password, direccion });
        logger.info({ username: usuario.username, address: direccion }, 'signed in');
        // remember: false, a browser-session cookie: closing the browser of a shared desk
        // signs out of the provider (the gateway's own session decides for the app).
        await finish(req, res, {
          login: { accountId: usuario.username, amr: ['pwd'], remember: false },
        });
      } catch (error) {
        const page = pageOf(uid, { username, error: (error as Error).message });
        if (error instanceof DemasiadosIntentosError) {
          logger.warn(
            { username, address: direccion, code: error.code, minutos: error.minutos },
            'sign-in refused: too many attempts',
          );
          res.set('Retry-After', String(error.minutos * 60));
          sendPage(res, 429, page);
          return;
        }
        if (!isDomainError(error) || !(error.kind in statusOf)) throw error;
        logger.info({ username, address: direccion, code: error.code }, 'sign-in refused');
        sendPage(res, statusOf[error.kind], page);
      }
    }),
  );

  router.get(
    '/:uid/abort',
    handle(async (req, res) => {
      await detailsOf(req, res);
      await finish(req, res, {
        error: 'access_denied',
        error_description: 'el usuario ha cancelado el acceso',
      });
    }),
  );

  const errorMiddleware: ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof errors.SessionNotFound) {
      sendPage(
        res,
        400,
        errorPage(
          'La página de acceso ha caducado o se abrió en otro navegador. ' +
            'Vuelva a la aplicación y entre de nuevo.',
        ),
      );
      return;
    }
    logger.error(
      { error: describeError(error), stack: (error as Error)?.stack },
      'interaction failed',
    );
    sendPage(res, 500, errorPage('Algo ha fallado por nuestra parte; ya ha quedado registrado.'));
  };
  router.use(errorMiddleware);
  return router;
}

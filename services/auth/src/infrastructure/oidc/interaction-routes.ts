import express, { ErrorRequestHandler, Request, Response } from 'express';
import type { default as Provider, InteractionResults } from 'oidc-provider' with {
  'resolution-mode': 'import',
};
import { describeError, isDomainError, Logger } from '@expedientes/shared-kernel';
import { handle } from '@expedientes/shared-kernel/adapters/runtime';
import { AuthenticateHandler } from '../../application/authenticate/authenticate-handler';
import { ChangeOwnPasswordHandler } from '../../application/change-own-password/change-own-password-handler';
import { DemasiadosIntentosError } from '../../domain/errors';
import { clientAddressOf } from '../http/client-address';
import { loadOidcProvider } from './oidc-provider-library';
import { changePasswordPage, errorPage, loginPage } from './pages';

export interface InteractionHandlers {
  readonly authenticate: AuthenticateHandler;
  readonly changeOwnPassword: ChangeOwnPasswordHandler;
}

/** What the consent prompt says is missing from the grant. */
interface ConsentDetails {
  readonly missingOIDCScope?: readonly string[];
  readonly missingOIDCClaims?: readonly string[];
  readonly missingResourceScopes?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Refused sign-ins answer with their page again, with their status; a new password can also
 * be unacceptable, or lose to an administrator's change saved meanwhile.
 */
const statusOf: Record<string, number> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid: 422,
  rule: 422,
  conflict: 409,
};

const passwordsDiffer = 'Las dos contraseñas nuevas no coinciden';

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
 * The provider's interaction pages, under `<issuer>/interaction/:uid`: the login form, the
 * form where a user who signed in with a provisional password chooses another, and consent,
 * which is granted without asking for the first-party clients and refused for any other.
 * oidc-provider ties an interaction to the browser that started it (the uid in the URL
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
  const changePageOf = (uid: string, extra: { username: string; error?: string }) =>
    changePasswordPage({
      action: `${prefix}/interaction/${uid}/password`,
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

  /** The uid of this browser's interaction when it asks for a login; otherwise, on to it. */
  async function loginPrompt(req: Request, res: Response): Promise<string | undefined> {
    const { uid, prompt } = await detailsOf(req, res);
    if (prompt.name === 'login') return uid;
    res.redirect(303, `${prefix}/interaction/${uid}`);
    return undefined;
  }

  async function signIn(req: Request, res: Response, username: string, address?: string) {
    logger.info({ username, address }, 'signed in');
    // remember: false, a browser-session cookie: closing the browser of a shared desk
    // signs out of the provider (the gateway's own session decides for the app).
    await finish(req, res, { login: { accountId: username, amr: ['pwd'], remember: false } });
  }

  /**
   * Answers an expected refusal with its page again (`what` names the attempt in the logs);
   * anything else goes on to the error page.
   */
  function refuse(
    res: Response,
    error: unknown,
    html: string,
    attempt: { what: string; username: string; address?: string },
  ): void {
    const { what, ...who } = attempt;
    if (error instanceof DemasiadosIntentosError) {
      logger.warn(
        { ...who, code: error.code, minutos: error.minutos },
        `${what} refused: too many attempts`,
      );
      res.set('Retry-After', String(error.minutos * 60));
      sendPage(res, 429, html);
      return;
    }
    if (!isDomainError(error) || !(error.kind in statusOf)) throw error;
    logger.info({ ...who, code: error.code }, `${what} refused`);
    sendPage(res, statusOf[error.kind], html);
  }

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
      const uid = await loginPrompt(req, res);
      if (!uid) return;
      const username = String(req.body?.username ?? '');
      const password = String(req.body?.password ?? '');
      const address = clientAddressOf(req, trustProxy);
      try {
        const usuario = await users.authenticate.handle({ username, password, direccion: address });
        if (usuario.debeCambiarContrasena) {
          // Not signed in yet: a provisional password only opens the way to replace it.
          logger.info({ username: usuario.username, address }, 'sign-in needs a new password');
          sendPage(res, 200, changePageOf(uid, { username: usuario.username }));
          return;
        }
        await signIn(req, res, usuario.username, address);
      } catch (error) {
        const page = pageOf(uid, { username, error: (error as Error).message });
        refuse(res, error, page, { what: 'sign-in', username, address });
      }
    }),
  );

  router.post(
    '/:uid/password',
    express.urlencoded({ extended: false, limit: '8kb' }),
    handle(async (req, res) => {
      const uid = await loginPrompt(req, res);
      if (!uid) return;
      const username = String(req.body?.username ?? '');
      const password = String(req.body?.password ?? '');
      const nueva = String(req.body?.newPassword ?? '');
      const address = clientAddressOf(req, trustProxy);
      if (nueva !== String(req.body?.newPasswordAgain ?? '')) {
        sendPage(res, 422, changePageOf(uid, { username, error: passwordsDiffer }));
        return;
      }
      try {
        const usuario = await users.changeOwnPassword.handle({
          username,
          password,
          nueva,
          direccion: address,
        });
        logger.info({ username: usuario.username, address }, 'password changed at sign-in');
        await signIn(req, res, usuario.username, address);
      } catch (error) {
        const page = changePageOf(uid, { username, error: (error as Error).message });
        refuse(res, error, page, { what: 'password change', username, address });
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

import { createHash, randomBytes } from 'node:crypto';
import { IdentityVerifier } from '@expedientes/shared-kernel';
import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { ProblemError } from '../problem-error';
import { newCsrfToken } from './csrf';
import { OpenIdClient, TokenRequestRefusedError } from './openid-client';
import { PendingLogin, SessionLogin } from './session-data';

/** The provider's answer to a sign-in, as it comes back to /login/callback. */
export interface CallbackQuery {
  readonly code?: unknown;
  readonly state?: unknown;
  readonly error?: unknown;
  readonly error_description?: unknown;
  /** The rest (the issuer, `iss`, say), checked by the client too. */
  readonly [parameter: string]: unknown;
}

/** A sign-in that cannot be completed: 400, saying why. */
export class LoginFailedError extends ProblemError {
  constructor(detail: string) {
    super(problem(400, detail, { code: 'AUTH.LOGIN_FAILED' }));
  }
}

const random = (): string => randomBytes(32).toString('base64url');

/** Only a path of this site: never another origin, nor `//host` (which is one). */
export const safeReturnPath = (value: unknown): string =>
  typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';

/**
 * The authorization code flow with PKCE, as the backend-for-frontend runs it: `begin` makes
 * the request (state, nonce and code verifier to keep in the session) and `finish` turns the
 * provider's answer into a signed-in session, checking state and nonce, exchanging the code
 * with the verifier, and verifying the tokens.
 */
export class LoginFlow {
  constructor(
    private readonly client: () => Promise<Pick<OpenIdClient, 'authorizationUrl' | 'exchangeCode'>>,
    private readonly identity: IdentityVerifier,
  ) {}

  async begin(returnTo: unknown): Promise<{ pending: PendingLogin; url: string }> {
    const pending: PendingLogin = {
      state: random(),
      nonce: random(),
      codeVerifier: random(),
      returnTo: safeReturnPath(returnTo),
    };
    const codeChallenge = createHash('sha256').update(pending.codeVerifier).digest('base64url');
    const url = (await this.client()).authorizationUrl({ ...pending, codeChallenge });
    return { pending, url };
  }

  async finish(pending: PendingLogin | undefined, query: CallbackQuery): Promise<SessionLogin> {
    if (!pending || typeof query.state !== 'string' || query.state !== pending.state) {
      throw new LoginFailedError(
        'Este inicio de sesión caducó o no empezó en este navegador: vuelva a empezar en /login',
      );
    }
    if (query.error !== undefined) {
      throw new LoginFailedError(
        `El servidor de autorización no inició la sesión: ${String(
          query.error_description ?? query.error,
        )}`,
      );
    }
    if (typeof query.code !== 'string' || !query.code) {
      throw new LoginFailedError('La vuelta del inicio de sesión no trae el código');
    }
    const client = await this.client();
    try {
      const { tokens, claims } = await client.exchangeCode({
        parameters: Object.fromEntries(
          Object.entries(query).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        ),
        codeVerifier: pending.codeVerifier,
        state: pending.state,
        nonce: pending.nonce,
      });
      const actor = await this.identity.verify(tokens.accessToken);
      if (actor.userId !== claims.subject) {
        throw new Error('the access token and the ID token name different users');
      }
      return { actor, name: claims.name, tokens, csrfToken: newCsrfToken() };
    } catch (error) {
      if (error instanceof TokenRequestRefusedError) {
        throw new LoginFailedError(
          'El servidor de autorización no aceptó el código: vuelva a empezar en /login',
        );
      }
      throw error;
    }
  }
}

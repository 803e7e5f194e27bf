import { Actor } from '@expedientes/shared-kernel';
import { TokenSet } from './openid-client';

/** A sign-in under way: what the callback must find again to accept the provider's answer. */
export interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** A path of this site to go back to once signed in. */
  readonly returnTo: string;
}

/** Someone signed in through the browser, with their tokens (which never leave the server). */
export interface SessionLogin {
  readonly actor: Actor;
  readonly name?: string;
  readonly tokens: TokenSet;
  /** The synchronizer token its state-changing requests must carry. */
  readonly csrfToken: string;
}

// What the gateway keeps in each browser session (express-session, stored server-side).
declare module 'express-session' {
  interface SessionData {
    pendingLogin?: PendingLogin;
    login?: SessionLogin;
  }
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'expedientes.sid';

/** The header a browser session's state-changing requests carry their CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The session's CSRF token (from GET /me), which every request that changes something sends
 * in `x-csrf-token`.
 */
let csrfToken: string | undefined;

export const CSRF_HEADER = 'x-csrf-token';

export function rememberCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export const currentCsrfToken = (): string | undefined => csrfToken;

/** Where the browser signs in and then comes back to `returnTo`. */
export const loginUrl = (returnTo: string): string =>
  `/login?returnTo=${encodeURIComponent(returnTo.startsWith('/') ? returnTo : '/')}`;

/** What runs just before the browser leaves for the login, such as saving a draft. */
const beforeLogin = new Set<() => void>();

/** Runs `save` before any 401 sends the browser to the login; returns how to stop it. */
export function onLeavingForLogin(save: () => void): () => void {
  beforeLogin.add(save);
  return () => beforeLogin.delete(save);
}

/** Nobody is signed in (401): a full navigation to the login, coming back here afterwards. */
export function goToLogin(): Promise<never> {
  for (const save of beforeLogin) save();
  const { pathname, search, hash } = window.location;
  window.location.assign(loginUrl(`${pathname}${search}${hash}`));
  // The page is leaving: whatever waited for this answer waits for good.
  return new Promise<never>(() => undefined);
}

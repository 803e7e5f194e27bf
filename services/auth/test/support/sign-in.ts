import { randomBytes } from 'node:crypto';
import { Browser, formOf, Visit } from './browser';
import { pkce, RelyingParty, TokenSet } from './relying-party';

/**
 * An authorization request from the gateway, in a new browser, up to the login page; behind
 * a proxy that says the browser is at `address`, when given.
 */
export async function openLoginPage(baseUrl: string, gateway: RelyingParty, address?: string) {
  const browser = new Browser([baseUrl], address ? { 'x-forwarded-for': address } : {});
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const page = await browser.get(gateway.authorizationUrl({ state, challenge }));
  const submit = (fields: { username: string; password: string }): Promise<Visit> =>
    browser.submit(formOf(page.body, page.url).action, fields);
  return { browser, verifier, state, page, submit };
}

/**
 * The whole browser sign-in: the login form, back to the gateway's callback with a code, and
 * the code exchanged (with the PKCE verifier) for tokens.
 */
export async function signIn(
  baseUrl: string,
  gateway: RelyingParty,
  credentials: { username: string; password: string },
): Promise<TokenSet> {
  const { verifier, state, submit } = await openLoginPage(baseUrl, gateway);
  const { redirectedTo, body } = await submit(credentials);
  const code = redirectedTo?.searchParams.get('code');
  if (!redirectedTo || !code)
    throw new Error(`sign-in of ${credentials.username} failed:\n${body}`);
  if (redirectedTo.searchParams.get('state') !== state) throw new Error('state mismatch');
  const tokens = await gateway.exchangeCode(code, verifier);
  if (tokens.status !== 200)
    throw new Error(`code exchange failed: ${JSON.stringify(tokens.body)}`);
  return tokens.body;
}

import { createRemoteJWKSet, jwtVerify } from 'jose';

/** Where the provider is: its public URL, and the address this process reaches it at. */
export interface ProviderAddress {
  /** The issuer, as browsers reach it: `<PUBLIC_URL>/auth`. */
  readonly issuer: string;
  /**
   * The same server as this process reaches it (AUTH_URL, or the embedded server's own
   * address), to which the issuer's path is added: tokens and keys are fetched there, never
   * through the public address, which a server may not reach from the inside.
   */
  readonly internalUrl: string;
}

/** The gateway as a client of the provider (a confidential client: it keeps a secret). */
export interface ClientRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  /** `<PUBLIC_URL>/login/callback` */
  readonly redirectUri: string;
  /** Where the provider sends the browser after logging out. */
  readonly postLogoutRedirectUri: string;
}

/** What the token endpoint gave, with the access token's expiry as an instant. */
export interface TokenSet {
  readonly accessToken: string;
  readonly idToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** How long the access token was given for, in milliseconds. */
  readonly lifetimeMs: number;
}

/** Who the ID token says signed in. */
export interface IdTokenClaims {
  readonly subject: string;
  readonly name?: string;
}

/** The provider refused a grant (`invalid_grant`: a used code, a revoked refresh token...). */
export class TokenRequestRefusedError extends Error {
  constructor(
    readonly error: string,
    description: string | undefined,
  ) {
    super(
      `the provider refused the token request: ${error}${description ? ` (${description})` : ''}`,
    );
    this.name = 'TokenRequestRefusedError';
  }
}

interface Discovery {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly end_session_endpoint: string;
}

interface TokenResponse {
  readonly access_token?: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly expires_in?: number;
  readonly error?: string;
  readonly error_description?: string;
}

const TIMEOUT_MS = 10_000;

/**
 * The authorization code flow with PKCE, refresh and RP-initiated logout against an OpenID
 * provider, from its discovery document. The provider computes its endpoints from the host a
 * request reached it by, so only their paths are taken from it: the browser is sent to them
 * under the issuer's origin, and this process calls them at the internal address.
 */
export class OpenIdClient {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  private constructor(
    private readonly address: ProviderAddress,
    private readonly client: ClientRegistration,
    private readonly endpoints: Discovery,
    private readonly now: () => number,
  ) {
    this.keys = createRemoteJWKSet(new URL(this.internal(endpoints.jwks_uri)));
  }

  static async discover(
    address: ProviderAddress,
    client: ClientRegistration,
    now: () => number = Date.now,
  ): Promise<OpenIdClient> {
    const issuerPath = new URL(address.issuer).pathname.replace(/\/+$/, '');
    const url = `${internalBase(address)}${issuerPath}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}`);
    const discovery = (await response.json()) as Discovery;
    if (discovery.issuer !== address.issuer) {
      throw new Error(
        `the provider at ${url} is the issuer ${discovery.issuer}, not ${address.issuer}`,
      );
    }
    return new OpenIdClient(address, client, discovery, now);
  }

  /**
   * The client, discovered on first use and then kept: the gateway starts whether or not the
   * provider answers yet, and a failed discovery is tried again by the next caller.
   */
  static lazily(address: ProviderAddress, client: ClientRegistration): () => Promise<OpenIdClient> {
    let discovered: Promise<OpenIdClient> | undefined;
    return () => {
      discovered ??= OpenIdClient.discover(address, client).catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
      return discovered;
    };
  }

  /** Where to send the browser to sign in. */
  authorizationUrl(request: { state: string; nonce: string; codeChallenge: string }): string {
    const url = new URL(this.public(this.endpoints.authorization_endpoint));
    url.search = new URLSearchParams({
      client_id: this.client.clientId,
      response_type: 'code',
      redirect_uri: this.client.redirectUri,
      scope: 'openid profile roles',
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.href;
  }

  /** Where to send the browser to end its session at the provider too. */
  endSessionUrl(idTokenHint: string | undefined): string {
    const url = new URL(this.public(this.endpoints.end_session_endpoint));
    url.search = new URLSearchParams({
      client_id: this.client.clientId,
      post_logout_redirect_uri: this.client.postLogoutRedirectUri,
      ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
    }).toString();
    return url.href;
  }

  exchangeCode(code: string, codeVerifier: string): Promise<TokenSet> {
    return this.requestTokens(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.client.redirectUri,
        code_verifier: codeVerifier,
      },
      undefined,
    );
  }

  /** New tokens for a refresh token (which the provider rotates: use the one returned next). */
  refresh(tokens: TokenSet): Promise<TokenSet> {
    if (!tokens.refreshToken) {
      return Promise.reject(new TokenRequestRefusedError('invalid_grant', 'no refresh token'));
    }
    return this.requestTokens(
      { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
      tokens,
    );
  }

  /** Checks the ID token (signature, issuer, audience, expiry, and the nonce of the request). */
  async verifyIdToken(idToken: string, nonce: string): Promise<IdTokenClaims> {
    const { payload } = await jwtVerify(idToken, this.keys, {
      issuer: this.address.issuer,
      audience: this.client.clientId,
    });
    if (payload.nonce !== nonce) throw new Error('the ID token answers another request (nonce)');
    if (!payload.sub) throw new Error('the ID token names no subject');
    return {
      subject: payload.sub,
      name: typeof payload.name === 'string' ? payload.name : undefined,
    };
  }

  private async requestTokens(
    fields: Record<string, string>,
    previous: TokenSet | undefined,
  ): Promise<TokenSet> {
    const credentials = `${encodeURIComponent(this.client.clientId)}:${encodeURIComponent(
      this.client.clientSecret,
    )}`;
    const response = await fetch(this.internal(this.endpoints.token_endpoint), {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
      body: new URLSearchParams(fields),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await response.json()) as TokenResponse;
    if (response.status >= 400 && response.status < 500) {
      throw new TokenRequestRefusedError(
        body.error ?? String(response.status),
        body.error_description,
      );
    }
    const idToken = body.id_token ?? previous?.idToken;
    if (!response.ok || !body.access_token || !idToken) {
      throw new Error(`the token endpoint answered ${response.status} without the tokens`);
    }
    const lifetimeMs = (body.expires_in ?? 0) * 1000;
    return {
      accessToken: body.access_token,
      idToken,
      refreshToken: body.refresh_token ?? previous?.refreshToken,
      expiresAt: this.now() + lifetimeMs,
      lifetimeMs,
    };
  }

  /** An endpoint under the issuer's origin, where browsers reach it. */
  private public(endpoint: string): string {
    return new URL(new URL(endpoint).pathname, this.address.issuer).href;
  }

  /** An endpoint at the internal address. */
  private internal(endpoint: string): string {
    return `${internalBase(this.address)}${new URL(endpoint).pathname}`;
  }
}

const internalBase = (address: ProviderAddress): string => address.internalUrl.replace(/\/+$/, '');

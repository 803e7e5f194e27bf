import { createRequire } from 'node:module';
import type * as OpenIdClientLibrary from 'openid-client' with { 'resolution-mode': 'import' };

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

/** What the code exchange proves: the tokens, and who the checked ID token says signed in. */
export interface SignedIn {
  readonly tokens: TokenSet;
  readonly claims: IdTokenClaims;
}

/** What came back to the callback (code, state, iss...), and what the session kept. */
export interface CodeAnswer {
  readonly parameters: Readonly<Record<string, string>>;
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

/** Seconds each call to the provider may take. */
const TIMEOUT_SECONDS = 10;

/**
 * openid-client 6 is published as an ES module only, while this repository compiles to
 * CommonJS; Node 20.19+ can require() an ES module natively. Loaded on first use, not on
 * import: jest's sandbox cannot load an ES module (the flows run in e2e processes).
 */
const loadLibrary = (): typeof OpenIdClientLibrary =>
  createRequire(__filename)('openid-client') as typeof OpenIdClientLibrary;

/**
 * The authorization code flow with PKCE, refresh and RP-initiated logout, by openid-client (a
 * certified relying party). The provider computes its endpoints from the host a request
 * reached it by, so the browser is sent to their paths under the issuer's origin, and every
 * call this process makes to an address under that origin goes to the internal address
 * instead (the library's custom fetch), which a server can reach from the inside.
 */
export class OpenIdClient {
  private constructor(
    private readonly library: typeof OpenIdClientLibrary,
    private readonly config: OpenIdClientLibrary.Configuration,
    private readonly client: ClientRegistration,
    private readonly now: () => number,
  ) {}

  static async discover(
    address: ProviderAddress,
    client: ClientRegistration,
    now: () => number = Date.now,
  ): Promise<OpenIdClient> {
    const library = loadLibrary();
    const backChannel = internalFetch(address);
    const insecure = new URL(address.issuer).protocol === 'http:';
    const execute = insecure ? [library.allowInsecureRequests] : [];
    const discovered = await library.discovery(
      new URL(address.issuer),
      client.clientId,
      undefined,
      undefined,
      { [library.customFetch]: backChannel, timeout: TIMEOUT_SECONDS, execute },
    );
    const server = discovered.serverMetadata();
    const config = new library.Configuration(
      { ...server, ...publicEndpoints(server, address.issuer) },
      client.clientId,
      {
        redirect_uris: [client.redirectUri],
        post_logout_redirect_uris: [client.postLogoutRedirectUri],
      },
      library.ClientSecretBasic(client.clientSecret),
    );
    config[library.customFetch] = backChannel;
    config.timeout = TIMEOUT_SECONDS;
    for (const setting of execute) setting(config);
    // The ID token's signature too, against the provider's keys, not only its claims.
    library.enableNonRepudiationChecks(config);
    return new OpenIdClient(library, config, client, now);
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
    return this.library.buildAuthorizationUrl(this.config, {
      redirect_uri: this.client.redirectUri,
      scope: 'openid profile roles',
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    }).href;
  }

  /** Where to send the browser to end its session at the provider too. */
  endSessionUrl(idTokenHint: string | undefined): string {
    return this.library.buildEndSessionUrl(this.config, {
      client_id: this.client.clientId,
      post_logout_redirect_uri: this.client.postLogoutRedirectUri,
      ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
    }).href;
  }

  /**
   * Exchanges the code with its verifier, and checks the ID token: signature, issuer,
   * audience, expiry, and the nonce and state of the request.
   */
  async exchangeCode(answer: CodeAnswer): Promise<SignedIn> {
    const callback = new URL(this.client.redirectUri);
    callback.search = new URLSearchParams(answer.parameters).toString();
    const response = await this.tokenRequest(() =>
      this.library.authorizationCodeGrant(this.config, callback, {
        pkceCodeVerifier: answer.codeVerifier,
        expectedState: answer.state,
        expectedNonce: answer.nonce,
      }),
    );
    const claims = response.claims();
    if (!claims) throw new Error('the token endpoint answered without an ID token');
    return {
      tokens: this.tokenSet(response, undefined),
      claims: {
        subject: claims.sub,
        name: typeof claims.name === 'string' ? claims.name : undefined,
      },
    };
  }

  /** New tokens for a refresh token (which the provider rotates: use the one returned next). */
  async refresh(tokens: TokenSet): Promise<TokenSet> {
    const { refreshToken } = tokens;
    if (!refreshToken) throw new TokenRequestRefusedError('invalid_grant', 'no refresh token');
    const response = await this.tokenRequest(() =>
      this.library.refreshTokenGrant(this.config, refreshToken),
    );
    return this.tokenSet(response, tokens);
  }

  /** The provider's refusal (a 4xx with an OAuth error) as TokenRequestRefusedError. */
  private async tokenRequest<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof this.library.ResponseBodyError && error.status < 500) {
        throw new TokenRequestRefusedError(error.error, error.error_description);
      }
      throw error;
    }
  }

  private tokenSet(
    response: OpenIdClientLibrary.TokenEndpointResponse,
    previous: TokenSet | undefined,
  ): TokenSet {
    const idToken = response.id_token ?? previous?.idToken;
    if (!idToken) throw new Error('the token endpoint answered without an ID token');
    const lifetimeMs = (response.expires_in ?? 0) * 1000;
    return {
      accessToken: response.access_token,
      idToken,
      refreshToken: response.refresh_token ?? previous?.refreshToken,
      expiresAt: this.now() + lifetimeMs,
      lifetimeMs,
    };
  }
}

/** The provider's endpoints under the issuer's origin, where browsers reach them. */
function publicEndpoints(
  server: OpenIdClientLibrary.ServerMetadata,
  issuer: string,
): Partial<OpenIdClientLibrary.ServerMetadata> {
  const names = ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'end_session_endpoint'];
  return Object.fromEntries(
    names.flatMap((name) => {
      const endpoint = server[name];
      return typeof endpoint === 'string'
        ? [[name, new URL(new URL(endpoint).pathname, issuer).href]]
        : [];
    }),
  );
}

/** fetch, with what is under the issuer's origin sent to the internal address instead. */
function internalFetch(address: ProviderAddress): OpenIdClientLibrary.CustomFetch {
  const origin = new URL(address.issuer).origin;
  const internal = address.internalUrl.replace(/\/+$/, '');
  return (url, options) => {
    const target = url.startsWith(`${origin}/`) ? `${internal}${url.slice(origin.length)}` : url;
    return fetch(target, options as RequestInit);
  };
}

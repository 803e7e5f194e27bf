import { createHash, randomBytes } from 'node:crypto';

export interface TokenSet {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly scope?: string;
}

interface Discovery {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly end_session_endpoint: string;
}

export interface TokenResponse {
  readonly status: number;
  readonly body: TokenSet & { error?: string; error_description?: string };
}

/** PKCE (RFC 7636, S256): the verifier the client keeps, and the challenge it sends. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** What the gateway does with the provider, spelled out: discovery, the code flow, tokens. */
export class RelyingParty {
  private constructor(
    readonly discovery: Discovery,
    private readonly client: { id: string; secret: string; redirectUri?: string },
  ) {}

  static async discover(
    issuer: string,
    client: { id: string; secret: string; redirectUri?: string },
  ): Promise<RelyingParty> {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!response.ok) throw new Error(`discovery failed: ${response.status}`);
    return new RelyingParty((await response.json()) as Discovery, client);
  }

  authorizationUrl(params: { state: string; challenge?: string; scope?: string }): URL {
    const url = new URL(this.discovery.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: this.client.id,
      response_type: 'code',
      redirect_uri: this.client.redirectUri ?? '',
      scope: params.scope ?? 'openid profile',
      state: params.state,
      ...(params.challenge && { code_challenge: params.challenge, code_challenge_method: 'S256' }),
    }).toString();
    return url;
  }

  exchangeCode(code: string, verifier: string): Promise<TokenResponse> {
    return this.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.client.redirectUri ?? '',
      code_verifier: verifier,
    });
  }

  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  clientCredentials(): Promise<TokenResponse> {
    return this.token({ grant_type: 'client_credentials' });
  }

  private async token(fields: Record<string, string>): Promise<TokenResponse> {
    const response = await fetch(this.discovery.token_endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(
          `${encodeURIComponent(this.client.id)}:${encodeURIComponent(this.client.secret)}`,
        ).toString('base64')}`,
      },
      body: new URLSearchParams(fields),
    });
    return { status: response.status, body: (await response.json()) as TokenResponse['body'] };
  }
}

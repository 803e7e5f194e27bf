import { exportJWK, generateKeyPair, JSONWebKeySet, KeyLike, SignJWT } from 'jose';

export interface TokenRequest {
  readonly userId: string;
  readonly roles: readonly string[];
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative for a token that has already expired. */
  readonly expiresIn?: number;
}

/**
 * Signs real JWTs with a fresh key pair, as the authorization server would, so services can be
 * tested with real tokens before (and without) the authorization server.
 */
export class TestTokenIssuer {
  private constructor(
    private readonly privateKey: KeyLike,
    readonly jwks: JSONWebKeySet,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async create(
    issuer = 'https://auth.test',
    audience = 'expedientes-api',
  ): Promise<TestTokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    return new TestTokenIssuer(privateKey, { keys: [jwk] }, issuer, audience);
  }

  async token(request: TokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: [...request.roles] })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setSubject(request.userId)
      .setIssuer(request.issuer ?? this.issuer)
      .setAudience(request.audience ?? this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (request.expiresIn ?? 300))
      .sign(this.privateKey);
  }
}

import { createLocalJWKSet, createRemoteJWKSet, errors, JSONWebKeySet, jwtVerify } from 'jose';
import { Actor } from '../../messaging/envelope';
import { IdentityVerifier, UnauthenticatedError } from '../../ports/identity';
import { BoundedMap } from '../shared/bounded-map';

export interface JwtVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** The issuer's published keys: its JWKS URL, or the key set itself. */
  readonly keys: URL | JSONWebKeySet;
  /** Claim holding the roles; the authorization server puts them in `roles`. */
  readonly rolesClaim?: string;
  /** Tokens remembered as verified; 10,000 by default, 0 to check every time. */
  readonly cacheSize?: number;
  readonly now?: () => number;
}

/**
 * Checks a JWT access token against the issuer's keys: signature, issuer, audience and expiry.
 * The subject is the user (or machine client); the roles claim its roles.
 *
 * A token that passed is remembered until it expires: the same token says the same thing
 * until then, and a client sends it with every request (the gateway and the service behind
 * it each check it), so checking its signature once spares a public-key operation a request.
 */
export class JwtIdentityVerifier implements IdentityVerifier {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;
  private readonly verified: BoundedMap<string, { actor: Actor; expiresAt: number }>;
  private readonly now: () => number;

  constructor(private readonly options: JwtVerifierOptions) {
    this.keySet =
      options.keys instanceof URL
        ? createRemoteJWKSet(options.keys)
        : createLocalJWKSet(options.keys);
    this.verified = new BoundedMap(options.cacheSize ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  async verify(credential: string): Promise<Actor> {
    const known = this.verified.get(credential);
    if (known && this.now() < known.expiresAt) return known.actor;
    if (known) this.verified.delete(credential);
    const { actor, expiresAt } = await this.check(credential);
    if (expiresAt !== undefined) this.verified.set(credential, { actor, expiresAt });
    return actor;
  }

  private async check(credential: string): Promise<{ actor: Actor; expiresAt?: number }> {
    try {
      const { payload } = await jwtVerify(credential, this.keySet, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        currentDate: new Date(this.now()),
      });
      const roles = payload[this.options.rolesClaim ?? 'roles'];
      if (!payload.sub) throw new UnauthenticatedError('El token no identifica a ningún usuario');
      const actor = {
        userId: payload.sub,
        roles: Array.isArray(roles)
          ? roles.filter((role): role is string => typeof role === 'string')
          : [],
      };
      // jose refuses a token at its `exp` second; one without `exp` is checked every time.
      return { actor, expiresAt: payload.exp === undefined ? undefined : payload.exp * 1000 };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof errors.JOSEError) {
        throw new UnauthenticatedError(`El token no es válido (${error.code})`);
      }
      throw error; // the key set could not be fetched: not the caller's fault
    }
  }
}

import { createLocalJWKSet, createRemoteJWKSet, errors, JSONWebKeySet, jwtVerify } from 'jose';
import { Actor } from '../../messaging/envelope';
import { IdentityVerifier, UnauthenticatedError } from '../../ports/identity';

export interface JwtVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** The issuer's published keys: its JWKS URL, or the key set itself. */
  readonly keys: URL | JSONWebKeySet;
  /** Claim holding the roles; the authorization server puts them in `roles`. */
  readonly rolesClaim?: string;
}

/**
 * Checks a JWT access token against the issuer's keys: signature, issuer, audience and expiry.
 * The subject is the user (or machine client); the roles claim its roles.
 */
export class JwtIdentityVerifier implements IdentityVerifier {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  constructor(private readonly options: JwtVerifierOptions) {
    this.keySet =
      options.keys instanceof URL
        ? createRemoteJWKSet(options.keys)
        : createLocalJWKSet(options.keys);
  }

  async verify(credential: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(credential, this.keySet, {
        issuer: this.options.issuer,
        audience: this.options.audience,
      });
      const roles = payload[this.options.rolesClaim ?? 'roles'];
      if (!payload.sub) throw new UnauthenticatedError('El token no identifica a ningún usuario');
      return {
        userId: payload.sub,
        roles: Array.isArray(roles)
          ? roles.filter((role): role is string => typeof role === 'string')
          : [],
      };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof errors.JOSEError) {
        throw new UnauthenticatedError(`El token no es válido (${error.code})`);
      }
      throw error; // the key set could not be fetched: not the caller's fault
    }
  }
}

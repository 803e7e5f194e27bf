import { DomainError } from '../domain/domain-error';
import { Actor } from '../messaging/envelope';

/**
 * Turns the credential a caller presents (a bearer token issued by the authorization server)
 * into the actor it stands for. Every service checks it itself: nothing behind the gateway
 * trusts an unauthenticated call.
 */
export interface IdentityVerifier {
  verify(credential: string): Promise<Actor>;
}

export class UnauthenticatedError extends DomainError {
  constructor(reason: string) {
    super('AUTH.UNAUTHENTICATED', 'unauthenticated', reason);
  }
}

export class ForbiddenError extends DomainError {
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super('AUTH.FORBIDDEN', 'forbidden', reason, details);
  }
}

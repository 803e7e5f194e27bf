import { Actor, IdentityVerifier, UnauthenticatedError } from '@expedientes/shared-kernel';
import type { AuthServiceModule } from '@expedientes/auth';
import { AccountAccess } from '../ports/account-access';
import { DISABLED_ACCOUNT } from '../security/authentication';

/**
 * The disabled users of the auth module in this process: read once at start, then kept up to
 * date as administrators disable and enable them, so a disabled user is refused at their
 * next request, whatever token or session they hold.
 */
export class EmbeddedAccountAccess implements AccountAccess {
  private constructor(private readonly disabled: Set<string>) {}

  static async of(auth: AuthServiceModule['access']): Promise<EmbeddedAccountAccess> {
    const access = new EmbeddedAccountAccess(new Set(await auth.disabled()));
    auth.onAccessChanged((username, activo) => {
      if (activo) access.disabled.delete(username);
      else access.disabled.add(username);
    });
    return access;
  }

  isDisabled(username: string): boolean {
    return this.disabled.has(username);
  }

  /** `identity`, refusing a disabled user's tokens, valid as they are. */
  verifying(identity: IdentityVerifier): IdentityVerifier {
    return {
      verify: async (credential: string): Promise<Actor> => {
        const actor = await identity.verify(credential);
        if (this.isDisabled(actor.userId)) throw new UnauthenticatedError(DISABLED_ACCOUNT);
        return actor;
      },
    };
  }
}

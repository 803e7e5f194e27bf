import { ServiceModule } from '@expedientes/shared-kernel/adapters/runtime';
import { PublicKey } from './infrastructure/keys/provider-keys';
import { UserAccessListener } from './infrastructure/access/user-access-feed';
import { AuthorizationServer } from './infrastructure/oidc/authorization-server';

/** The authorization server as its host mounts it, beside the user management API. */
export interface AuthServiceModule extends ServiceModule {
  readonly authorizationServer: AuthorizationServer & {
    /** The `aud` of its access tokens. */
    readonly audience: string;
    /** What its jwks endpoint publishes, for a verifier in the same process. */
    readonly publicKeys: { readonly keys: PublicKey[] };
  };
  /** Who may not use the platform now, for a host that checks callers itself. */
  readonly access: {
    /** The usernames of the disabled users, as stored. */
    disabled(): Promise<string[]>;
    /** Called with each user disabled or enabled from now on. */
    onAccessChanged(listener: UserAccessListener): void;
  };
}

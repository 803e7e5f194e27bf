import { UserAccessChanges } from '../../application/set-user-enabled/set-user-enabled-handler';

export type UserAccessListener = (username: string, activo: boolean) => void;

/**
 * Passes on, in this process, each user disabled or enabled again: a gateway beside auth
 * (the embedded mode) refuses a disabled user's tokens and sessions at once, rather than when
 * their access token expires.
 */
export class UserAccessFeed implements UserAccessChanges {
  private readonly listeners = new Set<UserAccessListener>();

  accessChanged(username: string, activo: boolean): void {
    for (const listener of this.listeners) listener(username, activo);
  }

  onAccessChanged(listener: UserAccessListener): void {
    this.listeners.add(listener);
  }
}

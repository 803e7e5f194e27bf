/**
 * Who spends a session's refresh token. The provider rotates refresh tokens and revokes the
 * whole grant when one is used twice, so of the gateway instances that find the same access
 * token about to expire, only the one that claims its refresh token first may refresh it.
 */
export interface RefreshClaims {
  /** True for the first claim of this refresh token across every gateway instance. */
  claim(refreshToken: string): Promise<boolean>;
  /** Gives a claim up when the token was not spent (the provider did not answer). */
  release(refreshToken: string): Promise<void>;
}

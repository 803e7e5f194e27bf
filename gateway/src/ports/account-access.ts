/**
 * Whether a user may use the platform right now, for a gateway that can be told at once (the
 * embedded mode, beside auth). Elsewhere a disabled user's access token works until it
 * expires (ACCESS_TOKEN_TTL_SECONDS), and then cannot be refreshed.
 */
export interface AccountAccess {
  isDisabled(username: string): boolean;
}

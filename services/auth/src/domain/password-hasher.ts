/**
 * Turns a password into something that can be stored and checked later, slowly on purpose:
 * a stolen database must not give the passwords away.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password; takes as long as for a right one. */
  verify(password: string, hash: string): Promise<boolean>;
}

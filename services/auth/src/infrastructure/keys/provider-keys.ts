import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  JsonWebKey,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A signing key as JWK, private members included, with the id tokens name it by. */
export type SigningKey = JsonWebKey & { readonly kid: string };

/** What the provider signs with and protects its cookies with: secrets, never published. */
export interface ProviderKeys {
  /** The first one signs; all of them verify, so an old key can stay while tokens age out. */
  readonly signingKeys: readonly SigningKey[];
  /** Cookie signing secrets, newest first. */
  readonly cookieKeys: readonly string[];
}

export const generateSigningKey = (): SigningKey => ({
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(),
  alg: 'RS256',
  use: 'sig',
});

export const generateCookieKey = (): string => randomBytes(32).toString('base64url');

/**
 * Checks a JWKS with private keys (the AUTH_SIGNING_KEYS setting): throws a message that
 * says what is wrong, without echoing the secret.
 */
export function parseSigningKeys(text: string): SigningKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('must be a JSON Web Key Set: {"keys": [...]}');
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new Error('must be a JSON Web Key Set with at least one key: {"keys": [...]}');
  }
  return keys.map((key: JsonWebKey, index) => {
    if (typeof key?.kid !== 'string' || !key.kid) throw new Error(`key ${index} has no "kid"`);
    if (key.d === undefined) throw new Error(`key ${key.kid} is not a private key (no "d")`);
    try {
      createPrivateKey({ key, format: 'jwk' });
    } catch {
      throw new Error(`key ${key.kid} is not a valid private JWK`);
    }
    return key as SigningKey;
  });
}

/** A public JWK, as a JSON Web Key Set lists it. */
export interface PublicKey {
  readonly kty: string;
  readonly kid: string;
  readonly [member: string]: unknown;
}

/** The public half of the signing keys: what the provider's jwks endpoint publishes. */
export function publicKeySet(signingKeys: readonly SigningKey[]): { keys: PublicKey[] } {
  return {
    keys: signingKeys.map(({ kid, alg, use, ...key }) => ({
      ...createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({ format: 'jwk' }),
      kty: String(key.kty),
      kid,
      ...(alg === undefined ? {} : { alg }),
      use: use ?? 'sig',
    })),
  };
}

/**
 * The embedded mode's keys: generated at the first start and kept in the data folder (readable
 * by the owner only), so tokens and sessions survive restarts.
 */
export function loadOrCreateKeys(dataDir: string): ProviderKeys {
  const file = join(dataDir, 'auth-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as {
      signingKeys: { keys: unknown };
      cookieKeys: string[];
    };
    return {
      signingKeys: parseSigningKeys(JSON.stringify(stored.signingKeys)),
      cookieKeys: stored.cookieKeys,
    };
  }
  mkdirSync(dataDir, { recursive: true });
  const keys: ProviderKeys = {
    signingKeys: [generateSigningKey()],
    cookieKeys: [generateCookieKey()],
  };
  // Written whole under another name, then renamed: a crash leaves no half-written file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(
    partial,
    JSON.stringify({ signingKeys: { keys: keys.signingKeys }, cookieKeys: keys.cookieKeys }),
    { mode: 0o600 },
  );
  renameSync(partial, file);
  return keys;
}

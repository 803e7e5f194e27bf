import { generateCookieKey, generateSigningKey } from './infrastructure/keys/provider-keys';

/**
 * Prints fresh secrets for the distributed mode, as environment variable lines:
 * `node services/auth/dist/generate-keys.js >> auth.env`. To rotate the signing key, put the
 * new key first in AUTH_SIGNING_KEYS and keep the old one after it until its tokens expire.
 */
process.stdout.write(
  `AUTH_SIGNING_KEYS='${JSON.stringify({ keys: [generateSigningKey()] })}'\n` +
    `AUTH_COOKIE_KEYS=${generateCookieKey()}\n`,
);

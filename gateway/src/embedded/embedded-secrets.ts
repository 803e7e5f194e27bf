import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the embedded process needs secret and stable across restarts, beside auth's keys. */
export interface EmbeddedSecrets {
  /** The gateway's client secret at the authorization server of the same process. */
  readonly gatewayClientSecret: string;
  /** Signs the browser session cookie. */
  readonly sessionSecret: string;
}

const generate = (): string => randomBytes(32).toString('base64url');

/**
 * The embedded mode's secrets, as configured, or else generated at the first start and kept
 * in the data folder (readable by the owner only), so sessions survive restarts.
 */
export function loadOrCreateSecrets(
  dataDir: string,
  configured: Partial<EmbeddedSecrets>,
): EmbeddedSecrets {
  const file = join(dataDir, 'gateway-secrets.json');
  let stored: EmbeddedSecrets;
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedSecrets;
  } else {
    stored = { gatewayClientSecret: generate(), sessionSecret: generate() };
    mkdirSync(dataDir, { recursive: true });
    // Written whole under another name, then renamed: a crash leaves no half-written file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(stored), { mode: 0o600 });
    renameSync(partial, file);
  }
  return {
    gatewayClientSecret: configured.gatewayClientSecret ?? stored.gatewayClientSecret,
    sessionSecret: configured.sessionSecret ?? stored.sessionSecret,
  };
}

// The platform's secrets, generated: signing keys, cookie keys, client and database passwords.
//   node scripts/deploy/generate-secrets.js --env
//     prints KEY=VALUE lines: the keys the Helm chart's Secret holds (kubectl create secret
//     generic expedientes-secrets --from-env-file=FILE), or lines for a .env file.
//   node scripts/deploy/generate-secrets.js --dir DIR [--only A,B] [--owner UID]
//     writes one file per secret into DIR, keeping the files already there (what docker
//     compose's secrets-init service does on the first `up`).
// Every value is URL-safe, so a password can stand in a database URL as it is.
const { generateKeyPairSync, randomBytes, randomUUID } = require('node:crypto');
const { chownSync, existsSync, mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

const signingKeys = () => {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  return JSON.stringify({ keys: [{ ...key, kid: randomUUID(), alg: 'RS256', use: 'sig' }] });
};

const smokeClientSecret = token();

/** Each secret by the variable name the processes (and the chart's Secret) know it by. */
const generators = {
  AUTH_SIGNING_KEYS: signingKeys,
  AUTH_COOKIE_KEYS: () => token(),
  AUTH_GATEWAY_CLIENT_SECRET: () => token(),
  GATEWAY_SESSION_SECRET: () => token(),
  AUTH_ADMIN_PASSWORD: () => token(18),
  AUTH_MACHINE_CLIENTS: () =>
    JSON.stringify([
      { clientId: 'pipeline-smoke', secret: smokeClientSecret, roles: ['tramitador'] },
    ]),
  MYSQL_PASSWORD: () => token(24),
  MONGODB_PASSWORD: () => token(24),
};

function option(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

function selected() {
  const only = option('--only');
  const names = only ? only.split(',') : Object.keys(generators);
  const unknown = names.filter((name) => !(name in generators));
  if (unknown.length) throw new Error(`unknown secret(s): ${unknown.join(', ')}`);
  return names;
}

function writeDirectory(dir, names, owner) {
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    const file = join(dir, name);
    if (existsSync(file)) continue;
    // Written whole under another name, then renamed: never a half-written secret.
    const partial = `${file}.tmp`;
    writeFileSync(partial, generators[name](), { mode: 0o400 });
    if (owner !== undefined) chownSync(partial, owner, owner);
    renameSync(partial, file);
    process.stdout.write(`generated ${name}\n`);
  }
}

function printEnv(names) {
  for (const name of names) process.stdout.write(`${name}=${generators[name]()}\n`);
  if (names.includes('AUTH_MACHINE_CLIENTS')) {
    process.stdout.write(
      `# the pipeline's smoke test authenticates as client pipeline-smoke, secret ${smokeClientSecret}\n`,
    );
  }
}

try {
  const names = selected();
  const dir = option('--dir');
  if (dir) {
    const owner = option('--owner');
    writeDirectory(dir, names, owner === undefined ? undefined : Number(owner));
  } else if (process.argv.includes('--env')) {
    printEnv(names);
  } else {
    throw new Error('usage: generate-secrets.js --env | --dir DIR [--only A,B] [--owner UID]');
  }
} catch (error) {
  process.stderr.write(`generate-secrets: ${error.message}\n`);
  process.exit(1);
}

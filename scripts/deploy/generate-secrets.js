// The platform's secrets, generated: signing keys, cookie keys, client and database passwords
// (a user per service and store, and each store's root), and Kafka's (a user per service, and
// its super user).
//   node scripts/deploy/generate-secrets.js --env
//     prints KEY=VALUE lines: the keys the Helm chart's Secret holds (kubectl create secret
//     generic expedientes-secrets --from-env-file=FILE), or lines for a .env file.
//   node scripts/deploy/generate-secrets.js --dir DIR [--only A,B] [--owner UID]
//       [--grant CONSUMER=A,B]...
//     writes one file per secret into DIR (those --only names, or else those the grants name),
//     keeping the files already there (what docker compose's secrets-init service does on the
//     first `up`); each --grant copies the secrets it names into DIR/CONSUMER, the folder that
//     consumer's container mounts, so that it sees those and no other.
// Every value is URL-safe, so a password can stand in a database URL as it is.
const { generateKeyPairSync, randomBytes, randomUUID } = require('node:crypto');
const {
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} = require('node:fs');
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
  MYSQL_ROOT_PASSWORD: () => token(24),
  AUTH_MYSQL_PASSWORD: () => token(24),
  EXPEDIENTES_MYSQL_PASSWORD: () => token(24),
  BPM_MYSQL_PASSWORD: () => token(24),
  SEARCH_MYSQL_PASSWORD: () => token(24),
  GATEWAY_MYSQL_PASSWORD: () => token(24),
  MONGODB_ROOT_PASSWORD: () => token(24),
  EXPEDIENTES_MONGODB_PASSWORD: () => token(24),
  DOCUMENTS_MONGODB_PASSWORD: () => token(24),
  // Kafka's SCRAM users: its super user and one per principal of shared-kernel/kafka-acls.json.
  ADMIN_KAFKA_PASSWORD: () => token(24),
  EXPEDIENTES_KAFKA_PASSWORD: () => token(24),
  DOCUMENTS_KAFKA_PASSWORD: () => token(24),
  BPM_KAFKA_PASSWORD: () => token(24),
  SEARCH_KAFKA_PASSWORD: () => token(24),
  GATEWAY_KAFKA_PASSWORD: () => token(24),
};

function option(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Every value an option is given, in order (an option may be repeated). */
function options(name) {
  return process.argv.flatMap((arg, index) =>
    arg === name && index + 1 < process.argv.length ? [process.argv[index + 1]] : [],
  );
}

function known(names) {
  const unknown = names.filter((name) => !(name in generators));
  if (unknown.length) throw new Error(`unknown secret(s): ${unknown.join(', ')}`);
  return names;
}

/** --only's, or else those --grant names, or else every one. */
function selected() {
  const only = option('--only');
  if (only) return known(only.split(','));
  const granted = options('--grant').flatMap((grant) => (grant.split('=')[1] ?? '').split(','));
  return granted.length ? known([...new Set(granted.filter(Boolean))]) : Object.keys(generators);
}

/** --grant CONSUMER=A,B: the consumer's folder name and the secrets it gets. */
function grants(names) {
  return options('--grant').map((grant) => {
    const [consumer, list = ''] = grant.split('=');
    if (!/^[a-z][a-z0-9-]*$/.test(consumer)) throw new Error(`bad --grant ${grant}`);
    const granted = known(list.split(',').filter(Boolean));
    const missing = granted.filter((name) => !names.includes(name));
    if (missing.length)
      throw new Error(`--grant ${consumer}: not generated: ${missing.join(', ')}`);
    return { consumer, granted };
  });
}

/** Writes `file` whole under another name, then renames it: never a half-written secret. */
function writeSecret(file, value, owner) {
  const partial = `${file}.tmp`;
  writeFileSync(partial, value, { mode: 0o400 });
  if (owner !== undefined) chownSync(partial, owner, owner);
  renameSync(partial, file);
}

function writeDirectory(dir, names, owner) {
  const granted = grants(names);
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    const file = join(dir, name);
    if (existsSync(file)) continue;
    writeSecret(file, generators[name](), owner);
    process.stdout.write(`generated ${name}\n`);
  }
  for (const { consumer, granted: consumed } of granted) {
    const folder = join(dir, consumer);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (owner !== undefined) chownSync(folder, owner, owner);
    for (const name of consumed) {
      const file = join(folder, name);
      if (!existsSync(file)) writeSecret(file, readFileSync(join(dir, name)), owner);
    }
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
    throw new Error(
      'usage: generate-secrets.js --env | --dir DIR [--only A,B] [--owner UID] [--grant C=A,B]...',
    );
  }
} catch (error) {
  process.stderr.write(`generate-secrets: ${error.message}\n`);
  process.exit(1);
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { kafkaAccessTable } from '@expedientes/shared-kernel';

/**
 * docker-compose.yml's secrets, without Docker: secrets-init's own command fills a secrets
 * volume (a folder here), then each container's entry point runs on its folder of it (its
 * `subpath`) with its environment as compose would give it from an empty .env. Each service
 * then reaches its stores with the password its store creates its user with, and knows no
 * other service's, nor the stores' roots.
 */

const repo = resolve(__dirname, '../../..');

interface Mount {
  readonly type?: string;
  readonly source?: string;
  readonly volume?: { subpath?: string };
}
interface Service {
  readonly command?: string[];
  readonly environment?: Record<string, unknown>;
  readonly volumes?: (string | Mount)[];
}

const compose = YAML.parse(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };

/** A value as compose gives it with no .env: ${NAME:-default} as its default, $$ as $. */
const interpolated = (value: unknown): string =>
  String(value)
    .replace(
      /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g,
      (_, fallback?: string) => fallback ?? '',
    )
    .replaceAll('$$', '$');

const subpathOf = (service: Service): string | undefined =>
  service.volumes?.flatMap((mount) =>
    typeof mount === 'object' && mount.source === 'secrets' ? [mount.volume?.subpath] : [],
  )[0];

describe('docker compose: the secrets each container gets', () => {
  let volume: string;
  /** Each container's environment after its entry point, by service. */
  const environments: Record<string, Record<string, string>> = {};

  beforeAll(() => {
    volume = mkdtempSync(join(tmpdir(), 'compose-secrets-'));
    const [, script, ...args] = compose.services['secrets-init'].command ?? [];
    expect(script).toBe('/opt/expedientes/generate-secrets.js');
    const ours = args.map((arg) => (arg === '/run/expedientes/secrets' ? volume : arg));
    // Not as root here: the files stay the caller's.
    const withoutOwner = ours.filter((_, i) => ours[i] !== '--owner' && ours[i - 1] !== '--owner');
    execFileSync('node', [join(repo, 'scripts/deploy/generate-secrets.js'), ...withoutOwner]);
    for (const [name, service] of Object.entries(compose.services)) {
      const subpath = subpathOf(service);
      if (!subpath) continue;
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolated(value)]),
      );
      const printed = execFileSync(
        'sh',
        [
          join(repo, 'scripts/deploy/compose-entrypoint.sh'),
          'node',
          '-e',
          'console.log(JSON.stringify(process.env))',
        ],
        { env: { PATH: process.env.PATH, ...env, GENERATED_SECRETS_DIR: join(volume, subpath) } },
      );
      environments[name] = JSON.parse(printed.toString()) as Record<string, string>;
    }
  });

  afterAll(() => rmSync(volume, { recursive: true, force: true }));

  const stores = [
    {
      store: 'mysql',
      variable: 'MYSQL_URL',
      users: ['auth', 'expedientes', 'bpm', 'search', 'gateway'],
    },
    { store: 'mongodb', variable: 'MONGODB_URL', users: ['expedientes', 'documents'] },
  ];

  it.each(
    stores.flatMap(({ store, variable, users }) => users.map((user) => [user, store, variable])),
  )(
    '%s reaches %s as its own user, with the password the store creates it with',
    (user, store, variable) => {
      const url = new URL(environments[user][variable]);
      const created = environments[store][`${user.toUpperCase()}_${store.toUpperCase()}_PASSWORD`];
      expect(url.username).toBe(user);
      expect(url.pathname).toBe(`/${user}`);
      expect(created).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(decodeURIComponent(url.password)).toBe(created);
    },
  );

  const kafka = kafkaAccessTable();

  it.each(Object.keys(kafka.principals))(
    '%s is its own Kafka user, with the password Kafka creates it with',
    (principal) => {
      const env = environments[principal];
      const created = environments.kafka[`${principal.toUpperCase()}_KAFKA_PASSWORD`];
      expect(env.KAFKA_SASL_MECHANISM).toBe('scram-sha-512');
      expect(env.KAFKA_SASL_USERNAME).toBe(principal);
      expect(created).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(env.KAFKA_SASL_PASSWORD).toBe(created);
    },
  );

  it('kafka-init creates the ACLs as the super user, whose password Kafka creates it with', () => {
    const created = environments.kafka[`${kafka.admin.toUpperCase()}_KAFKA_PASSWORD`];
    expect(created).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(environments['kafka-init'].KAFKA_SASL_USERNAME).toBe(kafka.admin);
    expect(environments['kafka-init'].KAFKA_SASL_PASSWORD).toBe(created);
    // Kafka knows its users' passwords, and no other secret.
    const passwords = Object.keys(environments.kafka).filter((name) => name.endsWith('PASSWORD'));
    expect(passwords.sort()).toEqual(
      [kafka.admin, ...Object.keys(kafka.principals)]
        .map((user) => `${user.toUpperCase()}_KAFKA_PASSWORD`)
        .sort(),
    );
  });

  it('the stores get their roots; no service gets a root or another service’s password', () => {
    expect(environments.mysql.MARIADB_ROOT_PASSWORD).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(environments.mongodb.MONGO_INITDB_ROOT_PASSWORD).toMatch(/^[A-Za-z0-9_-]{32}$/);
    for (const service of ['auth', 'expedientes', 'documents', 'bpm', 'search', 'gateway']) {
      const own = new RegExp(
        `^(${service.toUpperCase()}_(MYSQL|MONGODB|KAFKA)_PASSWORD|KAFKA_SASL_PASSWORD)$`,
      );
      const passwords = Object.keys(environments[service]).filter((name) =>
        name.endsWith('_PASSWORD'),
      );
      expect({ service, others: passwords.filter((name) => !own.test(name)) }).toEqual({
        service,
        others: [],
      });
    }
  });
});

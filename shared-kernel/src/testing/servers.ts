/**
 * Finds the real servers an integration suite needs.
 *
 * 1. From the environment: KAFKA_BROKERS, MYSQL_URL, MONGODB_URL, EVENTSTORE_URL
 *    (`scripts/test-servers.sh up` starts Kafka, MariaDB and FerretDB and prints them).
 *    A service's suite connects as the service's own user, as deployed: <SERVICE>_MYSQL_URL,
 *    <SERVICE>_MONGODB_URL (AUTH_MYSQL_URL, DOCUMENTS_MONGODB_URL, ...), granted only the
 *    service's databases (its name, and <name>_*); MYSQL_URL and MONGODB_URL name the server's
 *    administrator. Kafka's users are SASL ones: KAFKA_SASL_MECHANISM/USERNAME/PASSWORD the
 *    administrator (a super user), <SERVICE>_KAFKA_SASL_PASSWORD the service's (its user name
 *    is the service's), allowed only its ACLs (shared-kernel/kafka-acls.json): `kafkaSecurity`.
 * 2. Otherwise, where a Docker engine is reachable, testcontainers starts one for the suite.
 * 3. Otherwise the suite is skipped, loudly; under CI (CI=true) a suite that CI can run
 *    fails instead of skipping, so a missing server never passes for a green run.
 */
import { existsSync } from 'node:fs';
import { KafkaSecurity, kafkaSecurityFromEnv } from '../adapters/kafka/kafka-security';

export type ServerKind = 'kafka' | 'mysql' | 'mongodb' | 'eventstore';

interface ServerSpec {
  readonly envVar: string;
  readonly label: string;
  /** CI provisions it (scripts/test-servers.sh), so under CI its absence is a failure. */
  readonly requiredInCi: boolean;
  readonly start: () => Promise<{ url: string; stop: () => Promise<unknown> }>;
}

const specs: Record<ServerKind, ServerSpec> = {
  kafka: {
    envVar: 'KAFKA_BROKERS',
    label: 'Kafka',
    requiredInCi: true,
    start: async () => {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
      return {
        url: `${container.getHost()}:${container.getMappedPort(9093)}`,
        stop: () => container.stop(),
      };
    },
  },
  mysql: {
    envVar: 'MYSQL_URL',
    label: 'MySQL/MariaDB',
    requiredInCi: true,
    start: async () => {
      const { MariaDbContainer } = await import('@testcontainers/mariadb');
      const container = await new MariaDbContainer('mariadb:11.4')
        .withDatabase('expedientes')
        .withUsername('root')
        .withRootPassword('expedientes')
        .start();
      return {
        url: `mysql://root:expedientes@${container.getHost()}:${container.getPort()}/expedientes`,
        stop: () => container.stop(),
      };
    },
  },
  mongodb: {
    envVar: 'MONGODB_URL',
    label: 'MongoDB',
    requiredInCi: true,
    start: async () => {
      const { MongoDBContainer } = await import('@testcontainers/mongodb');
      const container = await new MongoDBContainer('mongo:7.0').start();
      return {
        url: `${container.getConnectionString()}/expedientes?directConnection=true`,
        stop: () => container.stop(),
      };
    },
  },
  eventstore: {
    envVar: 'EVENTSTORE_URL',
    label: 'EventStoreDB',
    // No EventStoreDB can be had on a machine without Docker: CI there skips it, loudly.
    requiredInCi: false,
    start: async () => {
      const { GenericContainer, Wait } = await import('testcontainers');
      const container = await new GenericContainer('eventstore/eventstore:24.10')
        .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_MEM_DB: 'true' })
        .withExposedPorts(2113)
        .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
        .start();
      return {
        url: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
        stop: () => container.stop(),
      };
    },
  },
};

const dockerAvailable = (): boolean =>
  Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');

/** Whether this runs under CI (CI=true), where a suite that CI can run must not skip. */
export const underCi = (): boolean => /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** The server's address, valid inside the tests of a `describeWithServer` block. */
export type ServerUrl = () => string;

/**
 * The environment variable of `account`'s own user on a server of that kind:
 * accountEnvVar('mysql', 'search') is SEARCH_MYSQL_URL.
 */
export function accountEnvVar(kind: ServerKind, account: string): string {
  // Kafka's address is everybody's; what is the account's own is its SASL password.
  if (kind === 'kafka') return `${account.toUpperCase()}_KAFKA_SASL_PASSWORD`;
  return `${account.toUpperCase()}_${specs[kind].envVar}`;
}

/**
 * How a test's Kafka client authenticates: as `account`'s own user (its user name, the
 * password of `accountEnvVar('kafka', account)`), or without one as the administrator of
 * KAFKA_SASL_MECHANISM/USERNAME/PASSWORD; nothing for a broker without SASL (a container).
 */
export function kafkaSecurity(account?: string): KafkaSecurity {
  const password = account ? process.env[accountEnvVar('kafka', account)] : undefined;
  if (account && password && process.env.KAFKA_SASL_MECHANISM) {
    return kafkaSecurityFromEnv({
      ...process.env,
      KAFKA_SASL_USERNAME: account,
      KAFKA_SASL_PASSWORD: password,
    });
  }
  return kafkaSecurityFromEnv();
}

/** The environment of a child process that is `account` on Kafka (its KAFKA_SASL_* variables). */
export function kafkaEnvironment(account?: string): Record<string, string> {
  const { sasl } = kafkaSecurity(account);
  if (!sasl || !('username' in sasl)) return {};
  return {
    KAFKA_SASL_MECHANISM: sasl.mechanism,
    KAFKA_SASL_USERNAME: sasl.username,
    KAFKA_SASL_PASSWORD: sasl.password,
  };
}

/** Where the Kafka of the tests has users: the administrator's is named. */
const hasAccounts = (kind: ServerKind): boolean =>
  kind === 'kafka'
    ? Boolean(process.env.KAFKA_SASL_USERNAME)
    : Boolean(process.env[specs[kind].envVar]);

/**
 * `describe` that runs only with a real server of that kind, handing the tests its address.
 * Skips with a warning when none can be had, and fails under CI when CI should have had it.
 */
export function describeWithServer(
  kind: ServerKind,
  name: string,
  tests: (url: ServerUrl) => void,
): void {
  const spec = specs[kind];
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    describe(name, () => tests(() => fromEnv));
    return;
  }
  if (dockerAvailable()) {
    let url: string | undefined;
    let stop: (() => Promise<unknown>) | undefined;
    describe(name, () => {
      beforeAll(async () => {
        ({ url, stop } = await spec.start());
      }, 180_000);
      afterAll(async () => {
        await stop?.();
      });
      tests(() => {
        if (!url) throw new Error(`${spec.label} container did not start`);
        return url;
      });
    });
    return;
  }
  const why =
    `no ${spec.label} server: set ${spec.envVar} (scripts/test-servers.sh up prints it) ` +
    `or run where Docker is available`;
  if (underCi() && spec.requiredInCi) {
    failingUnderCi(name, `needs a ${spec.label} server under CI`, why);
    return;
  }
  skippedLoudly(name, why, () => tests(() => ''));
}

/** A suite that CI should have been able to run: one test that fails, saying why. */
function failingUnderCi(name: string, title: string, why: string): void {
  describe(name, () => {
    it(title, () => {
      throw new Error(`${name}: ${why}`);
    });
  });
}

/** A suite skipped with a warning, and listed as skipped in jest's summary too. */
function skippedLoudly(name: string, why: string, tests: () => void): void {
  console.warn(`\n  SKIPPED: ${name}\n  (${why})\n`);
  describe.skip(name, tests);
}

/**
 * `describeWithServer` for a service's suite, connecting as the service's own user, as it is
 * deployed: the address of `accountEnvVar(kind, account)` (SEARCH_MYSQL_URL, ...), granted
 * only that service's databases. Where the environment names the administrator's only, its
 * address, saying so; under CI, whose test servers give every service's user, a failure.
 */
export function describeWithServerAs(
  kind: 'mysql' | 'mongodb' | 'kafka',
  account: string,
  name: string,
  tests: (url: ServerUrl) => void,
): void {
  const variable = accountEnvVar(kind, account);
  const own = process.env[variable];
  const fromEnv = process.env[specs[kind].envVar];
  if (own && kind === 'kafka' && fromEnv) {
    // The address is the broker's; the tests connect with kafkaSecurity(account).
    describe(name, () => tests(() => fromEnv));
    return;
  }
  if (own && kind !== 'kafka') {
    describe(name, () => tests(() => own));
    return;
  }
  if (hasAccounts(kind)) {
    const why = `${variable} is not set (scripts/test-servers.sh env prints it)`;
    if (underCi()) {
      failingUnderCi(name, `connects as the ${account} user under CI`, why);
      return;
    }
    console.warn(`\n  AS THE ADMINISTRATOR, NOT AS ${account}: ${name}\n  (${why})\n`);
  }
  describeWithServer(kind, name, tests);
}

/**
 * `describe` for a suite about the services' users themselves: it runs only where the
 * environment names the user of every one of `accounts` (test servers, not a container, have
 * them), handing the tests their addresses; otherwise it is skipped, saying so, and fails under
 * CI, whose test servers have them. A server that has no users at all (addresses that name
 * none) skips it, saying so.
 */
export function describeWithAccounts<TAccount extends string>(
  kind: 'mysql' | 'mongodb' | 'kafka',
  accounts: readonly TAccount[],
  name: string,
  tests: (urls: Record<TAccount, ServerUrl>) => void,
): void {
  const variables = accounts.map((account) => accountEnvVar(kind, account));
  const missing = variables.filter((variable) => !process.env[variable]);
  // Kafka's are passwords; a MongoDB or MySQL address may name no user.
  const anonymous = variables.filter((variable) => {
    const url = process.env[variable];
    return kind !== 'kafka' && url && !new URL(url).username;
  });
  if (missing.length === 0 && anonymous.length > 0) {
    // FerretDB on SQLite (scripts/test-servers.sh) has no users: nothing could be refused.
    skippedLoudly(name, `${anonymous.join(', ')} name no user: the server has none`, () =>
      tests({} as Record<TAccount, ServerUrl>),
    );
    return;
  }
  if (missing.length === 0) {
    const urls = Object.fromEntries(
      accounts.map((account, index) => [account, () => process.env[variables[index]] ?? '']),
    ) as Record<TAccount, ServerUrl>;
    describe(name, () => tests(urls));
    return;
  }
  const why = `no user of its own for ${missing.join(', ')} (scripts/test-servers.sh env prints them)`;
  if (underCi()) {
    failingUnderCi(name, `needs the services' ${specs[kind].label} users under CI`, why);
    return;
  }
  skippedLoudly(name, why, () => tests({} as Record<TAccount, ServerUrl>));
}

/** `describeWithServer` for a suite that needs several servers at once. */
export function describeWithServers(
  kinds: readonly ServerKind[],
  name: string,
  tests: (urls: Record<ServerKind, ServerUrl>) => void,
): void {
  const nest = (
    remaining: readonly ServerKind[],
    found: Partial<Record<ServerKind, ServerUrl>>,
  ): void => {
    const [kind, ...rest] = remaining;
    if (!kind) {
      tests(found as Record<ServerKind, ServerUrl>);
      return;
    }
    describeWithServer(
      kind,
      Object.keys(found).length === 0 ? name : `with ${specs[kind].label}`,
      (url) => nest(rest, { ...found, [kind]: url }),
    );
  };
  nest(kinds, {});
}

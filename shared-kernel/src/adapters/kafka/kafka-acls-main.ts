/**
 * Creates the services' Kafka ACLs from shared-kernel/kafka-acls.json, as the broker's super
 * user: `node shared-kernel/dist/adapters/kafka/kafka-acls-main.js`, with KAFKA_BROKERS and the
 * super user's KAFKA_SASL_MECHANISM/USERNAME/PASSWORD (and KAFKA_SSL...) in the environment.
 * scripts/test-servers.sh, docker compose's kafka-init and the chart's kafka-init Job run it.
 * `--print` prints the ACLs instead, one a line, and `--markdown` README's table; neither needs a
 * broker.
 */
import { Kafka, logLevel } from 'kafkajs';
import {
  allKafkaAclBindings,
  kafkaAccessMarkdown,
  kafkaAccessTable,
} from '../../messaging/kafka-acls';
import { env, loadConfig } from '../runtime/config';
import { runMain } from '../runtime/distributed-main';
import { z } from 'zod';
import { applyKafkaAcls } from './kafka-acl-setup';
import { kafkaSecurityFrom, kafkaSecurityVariables } from './kafka-security';

async function main(): Promise<void> {
  const table = kafkaAccessTable();
  if (process.argv.includes('--markdown')) {
    process.stdout.write(`${kafkaAccessMarkdown(table)}\n`);
    return;
  }
  if (process.argv.includes('--print')) {
    for (const b of allKafkaAclBindings(table)) {
      process.stdout.write(
        `User:${b.principal} ${b.operation.toUpperCase()} ${b.resource} ${b.name}${b.pattern === 'prefixed' ? '*' : ''}\n`,
      );
    }
    return;
  }
  const config = loadConfig(z.object({ KAFKA_BROKERS: env.list(), ...kafkaSecurityVariables }));
  const admin = new Kafka({
    clientId: 'kafka-acls',
    brokers: config.KAFKA_BROKERS,
    ...kafkaSecurityFrom(config),
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 500, maxRetryTime: 5_000, retries: 12 },
  }).admin();
  await admin.connect();
  try {
    const { created, deleted, kept } = await applyKafkaAcls(admin, table);
    process.stdout.write(
      `kafka-acls: ${Object.keys(table.principals).join(', ')}: ` +
        `${created} ACLs created, ${deleted} deleted, ${kept} already there\n`,
    );
  } finally {
    await admin.disconnect();
  }
}

runMain('kafka-acls', main);

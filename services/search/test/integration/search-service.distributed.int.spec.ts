import { randomInt, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { silentLogger } from '@expedientes/shared-kernel';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServerAs,
  kafkaSecurity,
  serviceKafkaBuses,
} from '@expedientes/shared-kernel/testing';
import { createSearchService } from '../../src/composition-root';
import { indexConsumerGroup } from '../../src/domain/expediente-search-index';
import { MysqlExpedienteSearchIndex } from '../../src/infrastructure/sql/mysql-expediente-search-index';
import { searchServiceScenario } from './search-service.scenario';

/** Quick heartbeats and short fetch waits keep joining and leaving groups fast. */
const groupTiming = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 300,
  rebalanceTimeoutMs: 10_000,
  maxWaitTimeMs: 200,
};

/**
 * Kafka keeps the committed offsets of the groups earlier runs used, and a group that has
 * offsets does not start from the first event. The database of this run starts at a
 * generation no earlier run used, as a production index starts at 1 on a fresh cluster.
 */
async function databaseAtFreshGeneration(
  serverUrl: string,
): Promise<{ url: string; generation: number }> {
  const url = new URL(serverUrl);
  url.pathname = `/search_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await MysqlDatabase.ensureDatabase(url.toString());
  const database = new MysqlDatabase(url.toString(), { connectionLimit: 1 });
  const generation = randomInt(1_000_000, 2_000_000_000);
  try {
    await new MysqlExpedienteSearchIndex(database).migrate();
    await database.execute('UPDATE search_index_generation SET generation = ? WHERE id = 1', [
      generation,
    ]);
  } finally {
    await database.close();
  }
  return { url: url.toString(), generation };
}

/** The groups of this run's generations are of no use to anybody once it is over. */
async function deleteGroupsFrom(brokers: string[], generation: number): Promise<void> {
  const admin = new Kafka({
    clientId: 'search-int-cleanup',
    brokers,
    ...kafkaSecurity(),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    // The scenario rebuilds a couple of times: ten generations are more than it uses.
    const ours = new Set(Array.from({ length: 10 }, (_, n) => indexConsumerGroup(generation + n)));
    const { groups } = await admin.listGroups();
    const existing = groups.map(({ groupId }) => groupId).filter((groupId) => ours.has(groupId));
    if (existing.length > 0) await admin.deleteGroups(existing);
  } finally {
    await admin.disconnect();
  }
}

describeWithServerAs('kafka', 'search', 'the search service on Kafka', (kafkaUrl) => {
  describeWithServerAs('mysql', 'search', 'and MariaDB FULLTEXT', (mysqlUrl) => {
    searchServiceScenario(
      async (metrics) => {
        const brokers = kafkaUrl().split(',');
        const database = await databaseAtFreshGeneration(mysqlUrl());
        const buses = serviceKafkaBuses('search', { brokers, groupTiming });
        const module = await createSearchService(
          { kind: 'distributed', bus: buses.service, mysqlUrl: database.url },
          { logger: silentLogger, metrics },
        );
        return {
          module,
          bus: buses.others,
          dispose: async () => {
            await buses.close();
            await MysqlDatabase.dropDatabase(database.url);
            await deleteGroupsFrom(brokers, database.generation);
          },
        };
      },
      { settleMs: 20_000 },
    );
  });
});

import { randomBytes } from 'node:crypto';
import { publishedLanguage } from '@expedientes/shared-kernel';
import { KafkaMessageBus } from '@expedientes/shared-kernel/adapters/kafka';
import { connectMongo } from '@expedientes/shared-kernel/adapters/mongodb';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServer,
  describeWithServerAs,
  kafkaSecurity,
} from '@expedientes/shared-kernel/testing';
import { expedientesServiceSuite } from '../support/expedientes-service-suite';
import { NamespacedBus } from '../support/namespaced-bus';

/** A database of its own on the server of `url`, so runs and suites never meet. */
const ownDatabase = (url: string): string => {
  const own = new URL(url);
  own.pathname = `/expedientes_test_${randomBytes(4).toString('hex')}`;
  return own.toString();
};

describeWithServer('kafka', 'expedientes distributed: Kafka', (kafka) => {
  describeWithServerAs('mysql', 'expedientes', 'MySQL event store and saga state', (mysql) => {
    describeWithServerAs('mongodb', 'expedientes', 'MongoDB read models', (mongodb) => {
      expedientesServiceSuite('expedientes on the distributed infrastructure', async () => {
        // The module creates the MySQL database itself, as at a first start-up.
        const mysqlUrl = ownDatabase(mysql());
        const mongodbUrl = ownDatabase(mongodb());
        // Topics of their own: suites of the real documents and bpm may share the broker. As
        // Kafka's administrator, then: expedientes' own user may use the real topics only.
        const bus = new NamespacedBus(
          new KafkaMessageBus({
            brokers: kafka().split(','),
            ...kafkaSecurity(),
            clientId: 'expedientes-test',
            registry: publishedLanguage(),
            groupTiming: {
              sessionTimeoutMs: 6_000,
              heartbeatIntervalMs: 500,
              rebalanceTimeoutMs: 10_000,
              maxWaitTimeMs: 100,
            },
          }),
          `test-${randomBytes(4).toString('hex')}`,
        );
        return {
          infrastructure: {
            kind: 'distributed',
            bus,
            eventStore: { kind: 'mysql', url: mysqlUrl },
            mongodbUrl,
          },
          cleanup: async () => {
            await bus.close();
            await MysqlDatabase.dropDatabase(mysqlUrl);
            const mongo = await connectMongo(mongodbUrl, { appName: 'test', maxAttempts: 1 });
            await mongo.db().dropDatabase();
            await mongo.close();
          },
        };
      });
    });
  });
});

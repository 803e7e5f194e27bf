import { randomBytes } from 'node:crypto';
import { publishedLanguage } from '@expedientes/shared-kernel';
import { KafkaMessageBus } from '@expedientes/shared-kernel/adapters/kafka';
import { connectMongo } from '@expedientes/shared-kernel/adapters/mongodb';
import {
  describeWithServer,
  describeWithServerAs,
  kafkaSecurity,
} from '@expedientes/shared-kernel/testing';
import { expedientesServiceSuite } from '../support/expedientes-service-suite';
import { NamespacedBus } from '../support/namespaced-bus';

/**
 * The distributed mode with EventStoreDB as the event store and saga store (EVENT_STORE=
 * eventstoredb). Skipped, saying so, where no EventStoreDB can be had (EVENTSTORE_URL or Docker).
 */
describeWithServer('eventstore', 'expedientes distributed: EventStoreDB', (eventstore) => {
  describeWithServer('kafka', 'Kafka', (kafka) => {
    describeWithServerAs('mongodb', 'expedientes', 'MongoDB read models', (mongodb) => {
      expedientesServiceSuite('expedientes on EventStoreDB, MongoDB and Kafka', async () => {
        const mongo = new URL(mongodb());
        mongo.pathname = `/expedientes_test_${randomBytes(4).toString('hex')}`;
        const mongodbUrl = mongo.toString();
        // Topics of their own: suites of the real documents and bpm may share the broker. As
        // Kafka's administrator, then: expedientes' own user may use the real topics only.
        const bus = new NamespacedBus(
          new KafkaMessageBus({
            brokers: kafka().split(','),
            ...kafkaSecurity(),
            clientId: 'expedientes-test',
            registry: publishedLanguage(),
            groupTiming: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 100 },
          }),
          `test-${randomBytes(4).toString('hex')}`,
        );
        return {
          // Every run appends to the server's streams: the suite's codes and ids are its own.
          infrastructure: {
            kind: 'distributed',
            bus,
            eventStore: { kind: 'eventstoredb', url: eventstore() },
            mongodbUrl,
          },
          cleanup: async () => {
            await bus.close();
            const connection = await connectMongo(mongodbUrl, { appName: 'test', maxAttempts: 1 });
            await connection.db().dropDatabase();
            await connection.close();
          },
        };
      });
    });
  });
});

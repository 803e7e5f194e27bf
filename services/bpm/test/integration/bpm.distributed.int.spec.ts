import { randomUUID } from 'node:crypto';
import { publishedLanguage } from '@expedientes/shared-kernel';
import { KafkaMessageBus } from '@expedientes/shared-kernel/adapters/kafka';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServer, describeWithServerAs } from '@expedientes/shared-kernel/testing';
import { bpmServiceScenarios } from './bpm-service-scenarios';

describeWithServerAs('mysql', 'bpm', 'bpm with MySQL', (mysqlUrl) => {
  describeWithServer('kafka', 'and Kafka', (brokers) => {
    bpmServiceScenarios('bpm on the distributed infrastructure (MySQL + Kafka)', async () => {
      // A database of its own, dropped afterwards: no cross-talk with other suites or runs.
      const url = new URL(mysqlUrl());
      url.pathname = `/bpm_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await MysqlDatabase.ensureDatabase(url.toString());
      const bus = new KafkaMessageBus({
        brokers: brokers().split(','),
        clientId: 'bpm-int',
        registry: publishedLanguage(),
        // Quick joins and stops; the broker's minimum session is 6 s.
        groupTiming: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, maxWaitTimeMs: 200 },
      });
      return {
        infrastructure: { kind: 'distributed', bus, mysqlUrl: url.toString() },
        bus,
        close: async () => {
          await bus.close();
          await MysqlDatabase.dropDatabase(url.toString());
        },
      };
    });
  });
});

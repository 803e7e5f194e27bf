import { randomUUID } from 'node:crypto';
import { publishedLanguage } from '@expedientes/shared-kernel';
import { KafkaMessageBus } from '@expedientes/shared-kernel/adapters/kafka';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServerAs, kafkaSecurity } from '@expedientes/shared-kernel/testing';
import { bpmServiceScenarios } from './bpm-service-scenarios';

describeWithServerAs('mysql', 'bpm', 'bpm with MySQL', (mysqlUrl) => {
  describeWithServerAs('kafka', 'bpm', 'and Kafka', (brokers) => {
    bpmServiceScenarios('bpm on the distributed infrastructure (MySQL + Kafka)', async () => {
      // A database of its own, dropped afterwards: no cross-talk with other suites or runs.
      const url = new URL(mysqlUrl());
      url.pathname = `/bpm_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await MysqlDatabase.ensureDatabase(url.toString());
      // bpm as its own Kafka user, allowed what it is deployed with (kafka-acls.json); the
      // suite plays the other services as the administrator.
      const busAs = (account?: string) =>
        new KafkaMessageBus({
          brokers: brokers().split(','),
          ...kafkaSecurity(account),
          clientId: `bpm-int-${account ?? 'others'}`,
          registry: publishedLanguage(),
          // Quick joins and stops; the broker's minimum session is 6 s.
          groupTiming: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, maxWaitTimeMs: 200 },
        });
      const bpmBus = busAs('bpm');
      const others = busAs();
      return {
        infrastructure: { kind: 'distributed', bus: bpmBus, mysqlUrl: url.toString() },
        bus: others,
        close: async () => {
          await Promise.all([bpmBus.close(), others.close()]);
          await MysqlDatabase.dropDatabase(url.toString());
        },
      };
    });
  });
});

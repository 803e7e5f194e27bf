import { randomUUID } from 'node:crypto';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServerAs, serviceKafkaBuses } from '@expedientes/shared-kernel/testing';
import { bpmServiceScenarios } from './bpm-service-scenarios';

describeWithServerAs('mysql', 'bpm', 'bpm with MySQL', (mysqlUrl) => {
  describeWithServerAs('kafka', 'bpm', 'and Kafka', (brokers) => {
    bpmServiceScenarios('bpm on the distributed infrastructure (MySQL + Kafka)', async () => {
      // A database of its own, dropped afterwards: no cross-talk with other suites or runs.
      const url = new URL(mysqlUrl());
      url.pathname = `/bpm_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await MysqlDatabase.ensureDatabase(url.toString());
      const buses = serviceKafkaBuses('bpm', {
        brokers: brokers().split(','),
        // Quick joins and stops; the broker's minimum session is 6 s.
        groupTiming: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, maxWaitTimeMs: 200 },
      });
      return {
        infrastructure: { kind: 'distributed', bus: buses.service, mysqlUrl: url.toString() },
        bus: buses.others,
        close: async () => {
          await buses.close();
          await MysqlDatabase.dropDatabase(url.toString());
        },
      };
    });
  });
});

import { Kafka, logLevel, Producer } from 'kafkajs';
import { KafkaGroupTiming, KafkaMessageBus } from '../../src/adapters/kafka';
import { describeWithServer, messageBusContract } from '../../src/testing';

/**
 * The broker's smallest session (group.min.session.timeout.ms, 6 s) bounds how soon a killed
 * member's partitions move; quick heartbeats and short fetch waits keep joins and stops fast.
 */
const groupTiming: KafkaGroupTiming = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 300,
  rebalanceTimeoutMs: 10_000,
  maxWaitTimeMs: 200,
};

describeWithServer('kafka', 'KafkaMessageBus', (url) => {
  messageBusContract('KafkaMessageBus', async () => {
    const brokers = url().split(',');
    // A plain producer, which validates nothing: what a foreign or broken service would send.
    const raw: Producer = new Kafka({
      clientId: 'contract-raw',
      brokers,
      logLevel: logLevel.NOTHING,
    }).producer();
    await raw.connect();
    return {
      openBus: async (registry) =>
        new KafkaMessageBus({ brokers, clientId: 'contract', registry, groupTiming }),
      injectRaw: async (topic, key, value) => {
        await raw.send({ topic, messages: [{ key, value }] });
      },
      childBus: { adapter: 'kafka', brokers, groupTiming },
      takeoverTimeoutMs: 30_000,
      close: () => raw.disconnect(),
    };
  });
});

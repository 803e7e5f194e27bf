import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel, Producer } from 'kafkajs';
import { EnvelopeFactory } from '../../src';
import { contractRegistry, noteTaken } from '../../src/testing/message-bus-fixtures';
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

  it('keeps integration events and dead letters forever, commands for the default time', async () => {
    const brokers = url().split(',');
    const service = `retention${randomUUID().slice(0, 8)}`;
    const bus = new KafkaMessageBus({
      brokers,
      clientId: 'retention',
      registry: contractRegistry(),
    });
    const admin = new Kafka({
      clientId: 'retention-admin',
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      const envelope = new EnvelopeFactory(randomUUID).create({
        type: noteTaken.type,
        key: 'k',
        actor: { userId: 'u', roles: [] },
        payload: { seq: 1, note: 'retention' },
      });
      await bus.publish(`${service}.events`, [envelope]);
      await bus.publish(`${service}.commands`, [envelope]);
      await admin.connect();
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [`${service}.events`, `${service}.events.dlq`, `${service}.commands`].map(
          (name) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configNames: ['retention.ms', 'retention.bytes'],
          }),
        ),
      });
      const retention = Object.fromEntries(
        resources.map((resource) => [
          resource.resourceName,
          resource.configEntries
            .map((entry) => `${entry.configName}=${entry.configValue}`)
            .sort()
            .join(' '),
        ]),
      );
      const forever = 'retention.bytes=-1 retention.ms=-1';
      expect(retention[`${service}.events`]).toBe(forever);
      expect(retention[`${service}.events.dlq`]).toBe(forever);
      expect(retention[`${service}.commands`]).not.toContain('retention.ms=-1');
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });

  it('keeps no position for a group that lives as long as its consumer, which starts at the end', async () => {
    const brokers = url().split(',');
    const topic = `transient${randomUUID().slice(0, 8)}.events`;
    const group = `live-${randomUUID().slice(0, 8)}`;
    const bus = new KafkaMessageBus({
      brokers,
      clientId: 'transient',
      registry: contractRegistry(),
      groupTiming,
    });
    const admin = new Kafka({
      clientId: 'transient-admin',
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    const envelopes = new EnvelopeFactory(randomUUID);
    const note = (seq: number) =>
      envelopes.create({
        type: noteTaken.type,
        key: 'k',
        actor: { userId: 'u', roles: [] },
        payload: { seq, note: 'live' },
      });
    try {
      await bus.publish(topic, [note(1)]);
      const seen: number[] = [];
      const consumer = await bus.subscribe({
        group,
        topics: [topic],
        keepsPosition: false,
        handler: async (message) => {
          seen.push((message.payload as { seq: number }).seq);
        },
      });
      // The end is where the group's first fetch finds it: publish until one arrives.
      for (let seq = 2; seen.length === 0 && seq < 100; seq++) {
        await bus.publish(topic, [note(seq)]);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await consumer.stop();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen).not.toContain(1);

      await admin.connect();
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(offsets.partitions.map((partition) => partition.offset)).toEqual(
        offsets.partitions.map(() => '-1'),
      );
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });
});

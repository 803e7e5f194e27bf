import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel, Producer } from 'kafkajs';
import { EnvelopeFactory } from '../../src';
import {
  contractRegistry,
  crashConsumerMidMessage,
  noteTaken,
} from '../../src/testing/message-bus-fixtures';
import { KafkaGroupTiming, KafkaMessageBus } from '../../src/adapters/kafka';
import {
  describeWithServer,
  eventually,
  kafkaSecurity,
  messageBusContract,
} from '../../src/testing';

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

/** Numbered notes under one key, so that they share a partition and its order. */
const notesOf = (label: string) => {
  const envelopes = new EnvelopeFactory(randomUUID);
  return (seq: number) =>
    envelopes.create({
      type: noteTaken.type,
      key: 'k',
      actor: { userId: 'u', roles: [] },
      payload: { seq, note: label },
    });
};

describeWithServer('kafka', 'KafkaMessageBus', (url) => {
  messageBusContract('KafkaMessageBus', async () => {
    const brokers = url().split(',');
    // A plain producer, which validates nothing: what a foreign or broken service would send.
    const raw: Producer = new Kafka({
      clientId: 'contract-raw',
      brokers,
      ...kafkaSecurity(),
      logLevel: logLevel.NOTHING,
    }).producer();
    await raw.connect();
    return {
      openBus: async (registry) =>
        new KafkaMessageBus({
          brokers,
          ...kafkaSecurity(),
          clientId: 'contract',
          registry,
          groupTiming,
        }),
      injectRaw: async (topic, key, value) => {
        await raw.send({ topic, messages: [{ key, value }] });
      },
      childBus: { adapter: 'kafka', brokers, ...kafkaSecurity(), groupTiming },
      handsBatches: true,
      takeoverTimeoutMs: 30_000,
      close: () => raw.disconnect(),
    };
  });

  it('keeps integration events and dead letters forever, commands for the default time', async () => {
    const brokers = url().split(',');
    const service = `retention${randomUUID().slice(0, 8)}`;
    const bus = new KafkaMessageBus({
      brokers,
      ...kafkaSecurity(),
      clientId: 'retention',
      registry: contractRegistry(),
    });
    const admin = new Kafka({
      clientId: 'retention-admin',
      brokers,
      ...kafkaSecurity(),
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

  it('commits a running member’s position once per commitIntervalMs, for all it handled meanwhile', async () => {
    const brokers = url().split(',');
    const topic = `commits${randomUUID().slice(0, 8)}.events`;
    const group = `commits-${randomUUID().slice(0, 8)}`;
    const commitIntervalMs = 3_000;
    const bus = new KafkaMessageBus({
      brokers,
      ...kafkaSecurity(),
      clientId: 'commits',
      registry: contractRegistry(),
      groupTiming: { ...groupTiming, commitIntervalMs },
    });
    const admin = new Kafka({
      clientId: 'commits-admin',
      brokers,
      ...kafkaSecurity(),
      logLevel: logLevel.NOTHING,
    }).admin();
    const note = notesOf('commits');
    const committed = async (): Promise<string[]> => {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return offsets.partitions.map((partition) => partition.offset).filter((at) => at !== '-1');
    };
    try {
      await admin.connect();
      const seen: number[] = [];
      await bus.subscribe({
        group,
        topics: [topic],
        handler: async (message) => void seen.push((message.payload as { seq: number }).seq),
      });
      const handledFrom = Date.now();
      for (let seq = 1; seq <= 5; seq++) await bus.publish(topic, [note(seq)]);
      await eventually(() => expect(seen).toEqual([1, 2, 3, 4, 5]));

      // Handled one by one, committed not yet: the first commit waits for the interval.
      if (Date.now() - handledFrom < commitIntervalMs / 2) expect(await committed()).toEqual([]);
      // Then once for the five (they share a key, so a partition), while the member runs on.
      await eventually(async () => expect(await committed()).toEqual(['5']), 2 * commitIntervalMs);
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
      ...kafkaSecurity(),
      clientId: 'transient',
      registry: contractRegistry(),
      groupTiming,
    });
    const admin = new Kafka({
      clientId: 'transient-admin',
      brokers,
      ...kafkaSecurity(),
      logLevel: logLevel.NOTHING,
    }).admin();
    const note = notesOf('live');
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

  it('subscribes a group that keeps its position without waiting for a dead member to expire', async () => {
    const brokers = url().split(',');
    const topic = `resume${randomUUID().slice(0, 8)}.events`;
    const group = `resume-${randomUUID().slice(0, 8)}`;
    const scratch = mkdtempSync(join(tmpdir(), 'kafka-resume-'));
    const bus = new KafkaMessageBus({
      brokers,
      ...kafkaSecurity(),
      clientId: 'resume',
      registry: contractRegistry(),
      groupTiming,
    });
    const note = notesOf('resume');
    const seen: number[] = [];
    const handler = async (message: { payload: unknown }) => {
      seen.push((message.payload as { seq: number }).seq);
    };
    try {
      // A position committed, then a member that dies holding the group (as after a SIGKILL).
      await bus.publish(topic, [note(1), note(2)]);
      const first = await bus.subscribe({ group, topics: [topic], handler });
      await eventually(() => expect(seen).toEqual([1, 2]));
      await first.stop();
      await bus.publish(topic, [note(3)]);
      // Its session outlasts the survivor's start by far: a join now waits for it to expire.
      const deadSession = { ...groupTiming, sessionTimeoutMs: 12_000, rebalanceTimeoutMs: 12_000 };
      await crashConsumerMidMessage({
        bus: { adapter: 'kafka', brokers, ...kafkaSecurity(), groupTiming: deadSession },
        group,
        topic,
        effectsFile: join(scratch, 'effects.db'),
      });
      const killedAt = Date.now();

      await bus.subscribe({ group, topics: [topic], handler });
      // Joining takes until the dead member's session expires; subscribing did not wait for it.
      expect(Date.now() - killedAt).toBeLessThan(deadSession.sessionTimeoutMs / 2);
      await eventually(() => expect(seen).toEqual([1, 2, 3]), 30_000);
    } finally {
      await bus.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

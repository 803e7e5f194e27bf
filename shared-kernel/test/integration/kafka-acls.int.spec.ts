import { randomUUID } from 'node:crypto';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { kafkaAccessTable, topics } from '../../src';
import { describeWithAccounts, describeWithServer, kafkaSecurity } from '../../src/testing';

/**
 * The broker enforces shared-kernel/kafka-acls.json: a service's principal may produce only its
 * own topics (and its sagas' commands) and read only what it subscribes to. Runs where the test
 * Kafka has SASL and the services' users (scripts/test-servers.sh), as deployed; skipped,
 * saying so, where it has not (a container), and a failure under CI.
 */
describeWithAccounts('kafka', ['search', 'expedientes'], 'Kafka ACLs', () =>
  describeWithServer('kafka', 'on the test Kafka', (url) => {
    aclSuites(url);
  }),
);

function aclSuites(url: () => string): void {
  describe('the search service', () => {
    const clients: { disconnect(): Promise<void> }[] = [];
    const kafkaAs = (account?: string): Kafka => {
      const config: KafkaConfig = {
        clientId: `acl-test-${account ?? 'admin'}`,
        brokers: url().split(','),
        ...kafkaSecurity(account),
        logLevel: logLevel.NOTHING,
        retry: { retries: 2, initialRetryTime: 100 },
      };
      return new Kafka(config);
    };
    const message = () => ({ key: 'k', value: JSON.stringify({ id: randomUUID() }) });

    beforeAll(async () => {
      if (!kafkaSecurity('search').sasl) {
        throw new Error('the test Kafka has no SASL: nothing could be refused');
      }
      // The topics exist (as the services create them on first use), so that a refusal is the
      // ACLs' and not a missing topic's.
      const admin = kafkaAs().admin();
      await admin.connect();
      await admin
        .createTopics({
          topics: ['expedientes.events', 'documents.commands', 'documents.events'].map((topic) => ({
            topic,
          })),
          waitForLeaders: true,
        })
        .catch(() => undefined);
      await admin.disconnect();
    });

    afterEach(async () => {
      await Promise.all(
        clients.splice(0).map((client) => client.disconnect().catch(() => undefined)),
      );
    });

    it('is in the table, consuming expedientes.events and producing nothing', () => {
      const search = kafkaAccessTable().principals.search;
      expect(search?.consumes).toContain(topics.events('expedientes'));
      expect(search?.produces).toEqual([]);
    });

    it('is refused producing to expedientes.events, which expedientes owns', async () => {
      const producer = kafkaAs('search').producer();
      clients.push(producer);
      await producer.connect();
      await expect(
        producer.send({ topic: topics.events('expedientes'), messages: [message()] }),
      ).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    });

    it('is refused reading documents.commands, in a group of its own', async () => {
      const consumer = kafkaAs('search').consumer({
        groupId: `search.index.g-acl-${randomUUID()}`,
      });
      clients.push(consumer);
      await consumer.connect();
      await expect(
        consumer.subscribe({ topics: [topics.commands('documents')], fromBeginning: true }),
      ).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    });

    it('is refused a consumer group that is not its own', async () => {
      const consumer = kafkaAs('search').consumer({ groupId: `expedientes.saga-replies` });
      clients.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.events('expedientes')], fromBeginning: true });
      const crashed = new Promise<unknown>((resolve) =>
        consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error)),
      );
      await consumer.run({ eachMessage: async () => undefined }).catch((error) => error);
      // The broker answers FindCoordinator with GROUP_AUTHORIZATION_FAILED, which kafkajs reports
      // as "Failed to find group coordinator" (at once: the same client finds its own groups').
      const error = (await crashed) as { name?: string; type?: string; message?: string };
      expect(`${error.name} ${error.type} ${error.message}`).toMatch(
        /GROUP_AUTHORIZATION_FAILED|GroupCoordinatorNotFound/,
      );
    });

    it('reads what it subscribes to, in its own group, and writes its dead letters', async () => {
      const topic = topics.events('documents');
      const sent = message();
      const producer = kafkaAs().producer();
      clients.push(producer);
      await producer.connect();
      await producer.send({ topic, messages: [sent] });

      const consumer = kafkaAs('search').consumer({
        groupId: `search.index.g-acl-${randomUUID()}`,
      });
      clients.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message: { value } }) => {
            if (value?.toString() === sent.value) resolve(value.toString());
          },
        });
      });
      await expect(received).resolves.toBe(sent.value);

      const searchProducer = kafkaAs('search').producer();
      clients.push(searchProducer);
      await searchProducer.connect();
      await expect(
        searchProducer.send({ topic: topics.deadLetter(topic), messages: [message()] }),
      ).resolves.toBeDefined();
    }, 60_000);
  });

  describe('the expedientes service', () => {
    it("produces its events and the commands of its sagas, and no other service's events", async () => {
      const producer = new Kafka({
        clientId: 'acl-test-expedientes',
        brokers: url().split(','),
        ...kafkaSecurity('expedientes'),
        logLevel: logLevel.NOTHING,
        retry: { retries: 2, initialRetryTime: 100 },
      }).producer();
      await producer.connect();
      try {
        const send = (topic: string) =>
          producer.send({ topic, messages: [{ key: 'k', value: '{}' }] });
        await expect(send(topics.commands('documents'))).resolves.toBeDefined();
        await expect(send(topics.events('expedientes'))).resolves.toBeDefined();
        await expect(send(topics.events('bpm'))).rejects.toMatchObject({
          type: 'TOPIC_AUTHORIZATION_FAILED',
        });
      } finally {
        await producer.disconnect();
      }
    });
  });
}

import { randomUUID } from 'node:crypto';
import { Admin, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { MessageValidator, withDeadLetters } from '../../messaging/dead-letter';
import { Envelope, EnvelopeFactory } from '../../messaging/envelope';
import { MessageRegistry } from '../../messaging/message-registry';
import { isDeadLetterTopic, keptForever, topics } from '../../messaging/topics';
import { Consumer, ConsumerOptions, defaultRetryPolicy, MessageBus } from '../../ports/message-bus';
import { describeError, Logger, silentLogger } from '../../ports/logger';
import { OutgoingMessage } from '../../ports/outbox-inbox';
import { quietIdleRequestQueues } from './idle-request-queues';
import { KafkaGroupConsumer } from './kafka-group-consumer';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-logging';
import { traced } from '../shared/tracing';
import { KafkaSecurity } from './kafka-security';

/** How fast a group notices members coming and going; kafkajs' defaults where omitted. */
export interface KafkaGroupTiming {
  /** A member silent this long is dead and its partitions go to the others. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /**
   * Longest wait of an idle fetch; kafkajs' 5 s. A stopping consumer waits for the fetch in
   * flight (a search rebuild's start, each service's exit take up to that), but every idle
   * consumer fetches once per wait: at 1 s the idle distributed platform cost 57 + 50 CPU-ms
   * a second (Node + servers, the broker most), at 5 s 43 + 21.
   */
  readonly maxWaitTimeMs?: number;
  /**
   * How often a member commits its position, at most (and when it stops); 1 s. A member
   * that dies leaves that much to be delivered again.
   */
  readonly commitIntervalMs?: number;
}

export interface KafkaMessageBusOptions extends KafkaSecurity {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly registry: MessageRegistry;
  readonly logger?: Logger;
  /** Partitions of the topics the bus creates (the key picks one); 3 by default. */
  readonly partitions?: number;
  readonly groupTiming?: KafkaGroupTiming;
}

const toKafkaMessage = (envelope: Envelope): Message => ({
  key: envelope.key,
  value: JSON.stringify(envelope),
  headers: {
    id: envelope.id,
    type: envelope.type,
    schemaVersion: String(envelope.schemaVersion),
    // W3C Trace Context for Kafka: what a tracing-aware broker tool reads.
    ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
  },
});

/**
 * The MessageBus on Kafka, with one request in flight per broker, so that a send retried by
 * kafkajs is not overtaken by the next send of its caller; topics (and their `.dlq`) are
 * created on first use. A retry may write a message twice, which consumers absorb.
 *
 * The producer is not idempotent: kafkajs rolls a failed batch's sequence numbers back and
 * gives them to the next batch of that partition, which may be another caller's. When the
 * failed batch had been written (the broker went down before answering), the broker takes
 * the next one for its retry and acknowledges it without storing it: a message lost.
 */
export class KafkaMessageBus implements MessageBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly validator: MessageValidator;
  private readonly logger: Logger;
  private readonly envelopes = new EnvelopeFactory(randomUUID);
  private readonly readyTopics = new Map<string, Promise<void>>();
  private readonly consumers = new Set<KafkaGroupConsumer>();
  private connection?: Promise<void>;
  private producing?: Promise<void>;

  constructor(private readonly options: KafkaMessageBusOptions) {
    quietIdleRequestQueues();
    this.logger = options.logger ?? silentLogger;
    this.validator = withDeadLetters(options.registry);
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      ...(options.sasl ? { sasl: options.sasl } : {}),
      ...(options.ssl ? { ssl: options.ssl } : {}),
      logLevel: kafkaLogLevel,
      logCreator: kafkaLogCreator(this.logger),
      // kafkajs backs off up to 30 s, so producers and consumers came back up to 11 s after
      // a restarted broker did; at most 2 s between tries, they are back within seconds.
      retry: { initialRetryTime: 300, maxRetryTime: 2_000, retries: 8 },
    });
    this.producer = this.kafka.producer({
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  publish(topic: string, messages: readonly Envelope[]): Promise<void> {
    return this.publishAll(messages.map((envelope) => ({ topic, envelope })));
  }

  async publishAll(messages: readonly OutgoingMessage[]): Promise<void> {
    // All or nothing: every message is checked before the first one is sent.
    const byTopic = new Map<string, Envelope[]>();
    for (const { topic, envelope } of messages) {
      const checked = traced(this.validator.assertValid(envelope));
      const ofTopic = byTopic.get(topic);
      if (ofTopic) ofTopic.push(checked);
      else byTopic.set(topic, [checked]);
    }
    if (byTopic.size > 0) await this.send(byTopic);
  }

  async subscribe(options: ConsumerOptions): Promise<Consumer> {
    await Promise.all(options.topics.map((topic) => this.ensureTopic(topic)));
    // Joining waits for every member the group knows to rejoin, one that died (SIGKILL) until
    // its session expires: a service that waited for it would be ready only then. A group that
    // keeps its position loses nothing by joining later; one that lives as long as its process
    // has no dead members and must be in place to see what is published next.
    const joinFirst = options.keepsPosition === false;
    // A fresh broker may not serve a new topic's partitions yet: a new member tries again.
    const consumer = await retryWhileTransient(
      async () => {
        const member = this.groupMember(options);
        await member.start({ joinFirst });
        return member;
      },
      this.logger.child({ group: options.group, action: 'subscribe' }),
    );
    this.consumers.add(consumer);
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  private groupMember(options: ConsumerOptions): KafkaGroupConsumer {
    const timing = this.options.groupTiming ?? {};
    const kafkaConsumer = this.kafka.consumer({
      groupId: options.group,
      // The broker's smallest (group.min.session.timeout.ms), not kafkajs' 30 s: a crashed
      // member stalls its group until its session expires, and sagas waiting on it with it.
      sessionTimeout: timing.sessionTimeoutMs ?? 6_000,
      heartbeatInterval: timing.heartbeatIntervalMs ?? 1_000,
      rebalanceTimeout: timing.rebalanceTimeoutMs,
      maxWaitTimeInMs: timing.maxWaitTimeMs,
      allowAutoTopicCreation: false,
    });
    return new KafkaGroupConsumer(
      kafkaConsumer,
      options,
      {
        group: options.group,
        handler: options.handler,
        batchHandler: options.batchHandler,
        accepts: options.accepts,
        retry: options.retry ?? defaultRetryPolicy,
        validator: this.validator,
        envelopes: this.envelopes,
        logger: this.logger,
      },
      (topic, deadLetter) => this.send(new Map([[topic, [deadLetter]]])),
      timing.commitIntervalMs ?? 1_000,
    );
  }

  /** A publish resolves once the in-sync replicas have the messages (acks=all). */
  async durable(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    const open = [
      ...(this.connection ? [this.admin] : []),
      ...(this.producing ? [this.producer] : []),
    ];
    this.connection = undefined;
    this.producing = undefined;
    await Promise.all(open.map((client) => client.disconnect()));
  }

  /** Each topic's messages in order, all in one request to each broker that leads some. */
  private async send(byTopic: ReadonlyMap<string, readonly Envelope[]>): Promise<void> {
    await Promise.all([...byTopic.keys()].map((topic) => this.ensureTopic(topic)));
    await this.connectProducer();
    await this.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, envelopes]) => ({
        topic,
        messages: envelopes.map(toKafkaMessage),
      })),
    });
  }

  private connect(): Promise<void> {
    this.connection ??= this.admin.connect().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  /**
   * The producer connects at the first send, so a bus that only reads (the gateway's live
   * updates) never opens its connection.
   */
  private connectProducer(): Promise<void> {
    this.producing ??= this.producer.connect().catch((error: unknown) => {
      this.producing = undefined;
      throw error;
    });
    return this.producing;
  }

  /** Creates the topic and its dead-letter topic once per bus; existing ones are left as they are. */
  private ensureTopic(topic: string): Promise<void> {
    let ready = this.readyTopics.get(topic);
    if (!ready) {
      const names = isDeadLetterTopic(topic) ? [topic] : [topic, topics.deadLetter(topic)];
      const numPartitions = this.options.partitions ?? 3;
      const create = () =>
        this.admin
          .createTopics({
            topics: names.map((name) => ({
              topic: name,
              numPartitions,
              configEntries: keptForever(name) ? unlimitedRetention : [],
            })),
            waitForLeaders: true,
          })
          .catch((error: unknown) => {
            if (!onlyAlreadyExists(error)) throw error;
          });
      ready = this.connect()
        .then(() =>
          retryWhileTransient(create, this.logger.child({ topic, action: 'create topic' })),
        )
        .then(
          () => undefined,
          (error: unknown) => {
            this.readyTopics.delete(topic); // the next use tries again
            throw error;
          },
        );
      this.readyTopics.set(topic, ready);
    }
    return ready;
  }
}

/** For the topics `keptForever`; the others keep the broker's default (7 days). */
const unlimitedRetention = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
];

/**
 * A broker that has just started, or several services creating the same topics at once, answer
 * for a moment that a partition has no leader yet, a topic is not served yet or a coordinator
 * is loading: kafkajs marks those errors retriable. A topic another process created first is
 * already what we wanted.
 */
async function retryWhileTransient<T>(
  action: () => Promise<T>,
  logger: Logger,
  attempts = 10,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (!isRetriable(error) || attempt >= attempts) throw error;
      logger.warn({ attempt, error: describeError(error) }, 'the broker is not ready, retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 3_000)));
    }
  }
}

interface KafkaError {
  readonly retriable?: boolean;
  readonly type?: string;
  readonly errors?: readonly KafkaError[];
}

const causesOf = (error: unknown): readonly KafkaError[] => {
  const { errors } = (error ?? {}) as KafkaError;
  return errors && errors.length > 0 ? errors : [error as KafkaError];
};

const isRetriable = (error: unknown): boolean =>
  causesOf(error).every(
    (cause) => cause?.retriable === true || cause?.type === 'TOPIC_ALREADY_EXISTS',
  );

const onlyAlreadyExists = (error: unknown): boolean =>
  causesOf(error).every((cause) => cause?.type === 'TOPIC_ALREADY_EXISTS');

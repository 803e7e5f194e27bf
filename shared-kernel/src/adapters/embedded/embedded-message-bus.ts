import { randomUUID } from 'node:crypto';
import { MessageValidator, withDeadLetters } from '../../messaging/dead-letter';
import { Envelope, EnvelopeFactory } from '../../messaging/envelope';
import { MessageRegistry } from '../../messaging/message-registry';
import {
  Consumer,
  ConsumerOptions,
  defaultRetryPolicy,
  MessageBus,
  PublishOptions,
} from '../../ports/message-bus';
import { describeError, Logger, silentLogger } from '../../ports/logger';
import { Outbox, OutgoingMessage } from '../../ports/outbox-inbox';
import { traced } from '../shared/tracing';
import { gatheredFlush } from '../sql/gathered-flush';
import { SqlDatabase, TransactionExecutor } from '../sql/sql-database';
import { EmbeddedBusStore, embeddedBusMigrations } from './embedded-bus-store';
import { EmbeddedConsumerTiming, EmbeddedGroupConsumer } from './embedded-group-consumer';

export interface EmbeddedMessageBusOptions {
  readonly registry: MessageRegistry;
  readonly logger?: Logger;
  /**
   * Publishes in this process wake consumers at once; this poll finds what other processes
   * wrote and leases that came free. 1 s by default.
   */
  readonly pollIntervalMs?: number;
  /** How long a stalled member keeps a topic of its group before another takes it; 30 s. */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  /**
   * How long, at most, a consumer's position waits to be written after a delivery; 100 ms.
   * A process that dies delivers the messages of that while again (inboxes absorb them).
   */
  readonly positionSaveMs?: number;
  /**
   * How long `durable()` gathers callers before one flush to disk serves them all; 50 ms by
   * default. Only marks in outboxes wait for it, never an answer to a user.
   */
  readonly flushWindowMs?: number;
  /**
   * How long commands and replies stay in the bus's table, as a Kafka broker keeps them by
   * default: 7 days; those a consumer group has not acknowledged stay until it has. Events
   * and dead letters stay (`keptForever`).
   */
  readonly retentionMs?: number;
  /**
   * How often those past their retention are deleted: hourly by default, the first time a
   * minute after the start (or sooner, with a shorter interval), so that a platform
   * restarted more often than that still deletes them.
   */
  readonly pruneIntervalMs?: number;
}

const FIRST_PRUNE_MS = 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The MessageBus of the single-process mode: durable, in SQLite, with Kafka's guarantees.
 * Each consumer group gets every message; within a group one member at a time delivers a
 * topic, sequentially, acknowledging each message after its handler succeeded. A process that
 * dies leaves its lease behind and the next member (or the next start) delivers the
 * unacknowledged message again. The caller owns `database` and closes it after the bus.
 */
export class EmbeddedMessageBus implements MessageBus {
  private readonly validator: MessageValidator;
  private readonly envelopes = new EnvelopeFactory(randomUUID);
  private readonly consumers = new Set<EmbeddedGroupConsumer>();
  private readonly logger: Logger;
  private pruning?: NodeJS.Timeout;
  private pruned: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly store: EmbeddedBusStore,
    private readonly options: EmbeddedMessageBusOptions,
    private readonly timing: EmbeddedConsumerTiming,
    private readonly gatheredFlush: () => Promise<void>,
  ) {
    this.validator = withDeadLetters(options.registry);
    this.logger = options.logger ?? silentLogger;
    this.prunesAfter(Math.min(this.pruneIntervalMs, FIRST_PRUNE_MS));
  }

  private get pruneIntervalMs(): number {
    return this.options.pruneIntervalMs ?? 60 * 60 * 1000;
  }

  /** The next sweep in `delayMs`, and the one after it an interval after that one ends. */
  private prunesAfter(delayMs: number): void {
    this.pruning = setTimeout(() => {
      this.pruned = this.prune().finally(() => {
        if (!this.closed) this.prunesAfter(this.pruneIntervalMs);
      });
    }, delayMs);
    this.pruning.unref();
  }

  /** Creates or upgrades the bus's tables, then opens it. SQLite only. */
  static async open(
    database: SqlDatabase,
    options: EmbeddedMessageBusOptions,
  ): Promise<EmbeddedMessageBus> {
    if (database.dialect !== 'sqlite') {
      // Its ordering relies on SQLite's single writer (see EmbeddedBusStore).
      throw new Error(`the embedded message bus needs SQLite, not ${database.dialect}`);
    }
    await database.migrate('message-bus', embeddedBusMigrations);
    const timing: EmbeddedConsumerTiming = {
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      leaseMs: options.leaseMs ?? 30_000,
      batchSize: options.batchSize ?? 100,
      positionSaveMs: options.positionSaveMs ?? 100,
    };
    const store = new EmbeddedBusStore(database, timing.leaseMs);
    return new EmbeddedMessageBus(
      store,
      options,
      timing,
      gatheredFlush(() => database.flush(), options.flushWindowMs),
    );
  }

  /** Deletes the commands and replies past their retention; a failure waits for the next time. */
  private async prune(): Promise<void> {
    const retentionMs = this.options.retentionMs ?? 7 * DAY_MS;
    try {
      const deleted = await this.store.prune(Date.now() - retentionMs);
      if (deleted > 0) {
        this.logger.info(
          { deleted, retentionMs },
          'commands and replies past their retention deleted',
        );
      }
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'could not delete the expired messages');
    }
  }

  publish(
    topic: string,
    messages: readonly Envelope[],
    options: PublishOptions = {},
  ): Promise<void> {
    return this.publishAll(
      messages.map((envelope) => ({ topic, envelope })),
      options,
    );
  }

  async publishAll(
    messages: readonly OutgoingMessage[],
    options: PublishOptions = {},
  ): Promise<void> {
    for (const { topic, envelopes } of this.checkedRuns(messages)) {
      await this.store.append(topic, envelopes, options.redoneIfLost);
      this.notify(topic);
    }
  }

  /**
   * An outbox that is the bus itself, for a store on the bus's own database: the messages are
   * appended in the caller's transaction and delivered once it commits, with no relay, no
   * second transaction and no mark. Checked as `publish` checks them.
   */
  outbox(): Outbox<TransactionExecutor> {
    return {
      enqueue: async (tx, messages) => {
        for (const { topic, envelopes } of this.checkedRuns(messages)) {
          await this.store.appendIn(tx, topic, envelopes, () => this.notify(topic));
        }
      },
    };
  }

  /**
   * The messages in runs of consecutive ones of a topic, in their order, every one checked
   * before the first is written: all or nothing.
   */
  private checkedRuns(messages: readonly OutgoingMessage[]) {
    const runs: { topic: string; envelopes: Envelope[] }[] = [];
    for (const { topic, envelope } of messages) {
      const checked = this.checked(envelope);
      const last = runs.at(-1);
      if (last?.topic === topic) last.envelopes.push(checked);
      else runs.push({ topic, envelopes: [checked] });
    }
    return runs;
  }

  /** The message as it is stored, once its contract is checked (else it throws). */
  private checked(message: Envelope): Envelope {
    return traced(this.validator.assertValid(message));
  }

  /** One flushed commit of the bus for every caller within the window (`flushWindowMs`). */
  durable(): Promise<void> {
    return this.gatheredFlush();
  }

  async subscribe(options: ConsumerOptions): Promise<Consumer> {
    const consumer = new EmbeddedGroupConsumer(
      this.store,
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
      this.timing,
      this.logger,
      (deadLetterTopic) => this.notify(deadLetterTopic),
    );
    this.consumers.add(consumer);
    consumer.start();
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
        // Its leases are free: a standby member here takes over now rather than at its next poll.
        for (const topic of options.topics) this.notify(topic);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pruning);
    await this.pruned;
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  }

  private notify(topic: string): void {
    for (const consumer of this.consumers) consumer.notify(topic);
  }
}

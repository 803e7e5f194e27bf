import { EachBatchPayload, Consumer as KafkaConsumer } from 'kafkajs';
import { DeadLetter } from '../../messaging/dead-letter';
import { Envelope } from '../../messaging/envelope';
import { topics } from '../../messaging/topics';
import { describeError } from '../../ports/logger';
import { Consumer, ConsumerOptions } from '../../ports/message-bus';
import { deliver, DeliveryOptions } from '../shared/message-delivery';

export type DeadLetterSender = (topic: string, deadLetter: Envelope<DeadLetter>) => Promise<void>;

/**
 * One member of a Kafka consumer group. It handles the messages of a fetched batch of a
 * partition one at a time, so retrying in place keeps the order of a key. An offset is
 * resolved only after its message was handled or dead-lettered, and what is resolved is
 * committed once per batch (and when the member stops or the group rebalances): one commit
 * serves every message of the batch. A group that keeps no position commits nothing.
 */
export class KafkaGroupConsumer implements Consumer {
  private readonly stopping = new AbortController();
  private stopped?: Promise<void>;
  /** kafkajs' run(), which resolves once the member has joined (or crashed). */
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: KafkaConsumer,
    private readonly options: ConsumerOptions,
    private readonly delivery: Omit<DeliveryOptions, 'signal' | 'betweenAttempts'>,
    private readonly sendDeadLetter: DeadLetterSender,
  ) {}

  /**
   * Connects and subscribes; with `joinFirst`, resolves only once the member has joined its
   * group, so that what is published next reaches it. Otherwise the join goes on meanwhile
   * (kafkajs retries it, and logs a crash it cannot recover from).
   */
  async start({ joinFirst }: { readonly joinFirst: boolean }): Promise<void> {
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    const joined = new Promise<void>((resolve, reject) => {
      this.consumer.on(GROUP_JOIN, () => resolve());
      this.consumer.on(CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
    });
    if (!joinFirst) joined.catch(() => undefined);
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({
        topics: [...this.options.topics],
        fromBeginning: this.options.keepsPosition !== false && (this.options.fromBeginning ?? true),
      });
      this.running = this.consumer.run({
        // A group without committed offsets has no lag, and the broker drops it once empty.
        autoCommit: this.options.keepsPosition !== false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.handle(payload),
      });
      if (!joinFirst) {
        this.running.catch((error: unknown) =>
          this.delivery.logger.error(
            { group: this.options.group, error: describeError(error) },
            'the consumer stopped',
          ),
        );
        return;
      }
      await this.running;
      await joined;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping.abort();
      // kafkajs ignores a stop while the member is still joining, which then runs on.
      await this.running.catch(() => undefined);
      await this.consumer.disconnect();
    })();
    return this.stopped;
  }

  private async handle({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    const { topic } = batch;
    for (const message of batch.messages) {
      // Stopping, or the group moved the partition: the rest stays unresolved, uncommitted.
      if (this.stopping.signal.aborted || !isRunning() || isStale()) return;
      const outcome = await deliver(
        { topic, key: message.key?.toString() || null, raw: message.value?.toString() ?? '' },
        { ...this.delivery, signal: this.stopping.signal, betweenAttempts: heartbeat },
      );
      if (outcome.kind === 'abandoned') return;
      if (outcome.kind === 'dead-lettered') {
        await this.sendDeadLetter(topics.deadLetter(topic), outcome.deadLetter);
      }
      // Offsets are committed from what is resolved, at any moment after this.
      await this.options.durable?.();
      resolveOffset(message.offset);
      await heartbeat();
    }
  }
}

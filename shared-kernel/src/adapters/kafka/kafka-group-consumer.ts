import { EachBatchPayload, Consumer as KafkaConsumer, KafkaMessage } from 'kafkajs';
import { DeadLetter } from '../../messaging/dead-letter';
import { Envelope } from '../../messaging/envelope';
import { topics } from '../../messaging/topics';
import { describeError } from '../../ports/logger';
import { Consumer, ConsumerOptions } from '../../ports/message-bus';
import { chunksOf } from '../shared/chunks';
import {
  deliver,
  deliverAtOnce,
  DeliveryOptions,
  ReceivedMessage,
} from '../shared/message-delivery';

/**
 * The most messages a batch handler is given at once: a fetch may bring thousands, and one
 * transaction of a few hundred already serves most of what batching saves.
 */
const MESSAGES_AT_ONCE = 500;

export type DeadLetterSender = (topic: string, deadLetter: Envelope<DeadLetter>) => Promise<void>;

/**
 * One member of a Kafka consumer group. It hands the messages of a fetched batch of a
 * partition to the batch handler, where there is one, a few hundred at a time, or else one
 * at a time, so retrying in place keeps the order of a key. An offset is
 * resolved only after its message was handled or dead-lettered, and what is resolved is
 * committed `commitIntervalMs` later, one commit for whatever was resolved meanwhile, and
 * when the member stops or its group rebalances. A commit is a request and a write of the
 * broker's own log: made for each batch (mostly one message), they were a quarter of the
 * broker's writes for an open. A member that dies (or is dropped from its group) leaves up
 * to that interval's messages to be delivered again, which consumers absorb, as they do any
 * message whose consumer died before committing it (a late commit of a partition moved
 * meanwhile can only take the group back to messages delivered again). A group that keeps
 * no position commits nothing.
 */
export class KafkaGroupConsumer implements Consumer {
  private readonly stopping = new AbortController();
  private stopped?: Promise<void>;
  /** kafkajs' run(), which resolves once the member has joined (or crashed). */
  private running: Promise<void> = Promise.resolve();
  /** The last offset resolved of each partition since the last commit. */
  private readonly resolved = new Map<string, ResolvedOffset>();
  private nextCommit?: NodeJS.Timeout;

  constructor(
    private readonly consumer: KafkaConsumer,
    private readonly options: ConsumerOptions,
    private readonly delivery: Omit<DeliveryOptions, 'signal' | 'betweenAttempts'>,
    private readonly sendDeadLetter: DeadLetterSender,
    private readonly commitIntervalMs: number,
  ) {}

  private get keepsPosition(): boolean {
    return this.options.keepsPosition !== false;
  }

  /**
   * Connects and subscribes; with `joinFirst`, resolves only once the member has joined its
   * group, so that what is published next reaches it. Otherwise the join goes on meanwhile
   * (kafkajs retries it, and logs a crash it cannot recover from).
   */
  async start({ joinFirst }: { readonly joinFirst: boolean }): Promise<void> {
    const { GROUP_JOIN, CRASH, REBALANCING } = this.consumer.events;
    // What was handled is committed before the member joins again, as kafkajs' own commits
    // would be: partitions handed to another member start after it. (Sent before the join,
    // on the same connection to the coordinator, it still counts for the ending generation.)
    this.consumer.on(REBALANCING, () => void this.commitResolved());
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
        fromBeginning: this.keepsPosition && (this.options.fromBeginning ?? true),
      });
      this.running = this.consumer.run({
        // kafkajs would commit after every batch; `commitLater` gathers the commits instead.
        autoCommit: false,
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
      clearTimeout(this.nextCommit);
      await this.commitResolved();
      await this.consumer.disconnect();
    })();
    return this.stopped;
  }

  private async handle(payload: EachBatchPayload) {
    const { batch, resolveOffset, heartbeat } = payload;
    const { topic, partition } = batch;
    const received = (message: KafkaMessage): ReceivedMessage => ({
      topic,
      key: message.key?.toString() || null,
      raw: message.value?.toString() ?? '',
    });
    /** Offsets are committed from what is resolved, at any moment after this. */
    const resolve = async (offset: string) => {
      await this.options.durable?.();
      resolveOffset(offset);
      if (this.keepsPosition) this.commitLater({ topic, partition, offset });
      await heartbeat();
    };
    let oneByOne = batch.messages;
    // Only a consumer with a batch handler has the fetched batch cut up.
    if (this.delivery.batchHandler) {
      for (const some of chunksOf(batch.messages, MESSAGES_AT_ONCE)) {
        if (this.leaving(payload)) return;
        if (!(await deliverAtOnce(some.map(received), this.delivery))) break;
        await resolve(some[some.length - 1].offset);
        oneByOne = oneByOne.slice(some.length);
      }
    }
    for (const message of oneByOne) {
      if (this.leaving(payload)) return;
      const outcome = await deliver(received(message), {
        ...this.delivery,
        signal: this.stopping.signal,
        betweenAttempts: heartbeat,
      });
      if (outcome.kind === 'abandoned') return;
      if (outcome.kind === 'dead-lettered') {
        await this.sendDeadLetter(topics.deadLetter(topic), outcome.deadLetter);
      }
      await resolve(message.offset);
    }
  }

  /** Stopping, or the group moved the partition: the rest stays unresolved, uncommitted. */
  private leaving({ isRunning, isStale }: EachBatchPayload): boolean {
    return this.stopping.signal.aborted || !isRunning() || isStale();
  }

  private commitLater(offset: ResolvedOffset): void {
    this.resolved.set(`${offset.partition} ${offset.topic}`, offset);
    this.nextCommit ??= setTimeout(() => {
      this.nextCommit = undefined;
      void this.commitResolved();
    }, this.commitIntervalMs).unref();
  }

  /**
   * What was resolved, as the group's position: the next member starts after it. What could
   * not be committed (the group is rebalancing) is tried again at the next commit.
   */
  private async commitResolved(): Promise<void> {
    const resolved = [...this.resolved.values()];
    this.resolved.clear();
    if (resolved.length === 0) return;
    try {
      await this.consumer.commitOffsets(
        resolved.map(({ topic, partition, offset }) => ({
          topic,
          partition,
          offset: (BigInt(offset) + 1n).toString(),
        })),
      );
    } catch (error) {
      this.delivery.logger.warn(
        { group: this.options.group, error: describeError(error) },
        'could not commit the offsets of a consumer; should it stop before the next commit, their messages come again',
      );
      for (const offset of resolved) {
        const key = `${offset.partition} ${offset.topic}`;
        if (!this.resolved.has(key) && !this.stopping.signal.aborted) this.commitLater(offset);
      }
    }
  }
}

interface ResolvedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

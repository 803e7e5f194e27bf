import { randomUUID } from 'node:crypto';
import { topics } from '../../messaging/topics';
import { Consumer, ConsumerOptions } from '../../ports/message-bus';
import { Logger, describeError } from '../../ports/logger';
import { deliver, deliverAtOnce, DeliveryOptions } from '../shared/message-delivery';
import { pause, Wakeup } from '../shared/wakeup';
import { EmbeddedBusStore, Lease, StoredMessage } from './embedded-bus-store';

export interface EmbeddedConsumerTiming {
  /** Fallback poll for messages written by other processes and for free leases. */
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly batchSize: number;
  /** How long a delivered message waits, at most, before its position is written. */
  readonly positionSaveMs: number;
}

/** A topic this member holds the lease of. */
interface Hold {
  /** The sequence of the last message delivered. */
  position: number;
  /** The position as last written. */
  saved: number;
  /** Until when the lease is surely this member's: its last write's time plus the lease. */
  until: number;
}

/**
 * One member of a consumer group on the embedded bus. Per topic, the member holding the
 * group's lease delivers the messages one at a time in publish order (so per-key order holds
 * trivially), or a batch read at once to a batch handler; other members stand by and take
 * over when it stops, dies or stalls past its lease.
 *
 * Like a Kafka consumer committing its offsets, the member writes where it has got to after
 * a short while (`positionSaveMs`), one commit for all its topics, and when it stops: one
 * commit per delivered message cost more than most handlers. A member that dies leaves the
 * messages since its last write to be delivered again, which the consumers' inboxes absorb.
 */
export class EmbeddedGroupConsumer implements Consumer {
  private readonly stopping = new AbortController();
  private readonly owner = `${process.pid}:${randomUUID()}`;
  private readonly wakeups = new Map<string, Wakeup>();
  private readonly holds = new Map<string, Hold>();
  private running: Promise<void>[] = [];
  private renewal?: NodeJS.Timeout;
  private pendingSave?: NodeJS.Timeout;
  private stopped?: Promise<void>;

  constructor(
    private readonly store: EmbeddedBusStore,
    private readonly options: ConsumerOptions,
    private readonly delivery: Omit<DeliveryOptions, 'signal' | 'betweenAttempts'>,
    private readonly timing: EmbeddedConsumerTiming,
    private readonly logger: Logger,
    private readonly onDeadLetter: (topic: string) => void,
  ) {}

  start(): void {
    for (const topic of this.options.topics) this.wakeups.set(topic, new Wakeup());
    this.running = this.options.topics.map((topic) => this.consume(topic));
    // Keeps the leases of a member whose handler takes long, or that has nothing to deliver.
    this.renewal = setInterval(() => void this.save(false), this.timing.leaseMs / 3);
    this.renewal.unref();
  }

  /** A message was published on `topic` in this process. */
  notify(topic: string): void {
    this.wakeups.get(topic)?.ring();
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping.abort();
      clearInterval(this.renewal);
      clearTimeout(this.pendingSave);
      await Promise.all(this.running);
      const holds = [...this.holds];
      this.holds.clear();
      // Should the handler's store fail to flush, the next member delivers again from the last write.
      const onDisk = await this.handledOnDisk().then(
        () => true,
        () => false,
      );
      await Promise.all(
        holds.map(([topic, hold]) =>
          this.store.release(this.leaseOf(topic), onDisk ? hold.position : hold.saved),
        ),
      );
    })();
    return this.stopped;
  }

  private leaseOf(topic: string): Lease {
    return { group: this.options.group, topic, owner: this.owner };
  }

  private async consume(topic: string): Promise<void> {
    const { signal } = this.stopping;
    const wakeup = this.wakeups.get(topic) as Wakeup;
    while (!signal.aborted) {
      try {
        // A short batch was all there was: a message published since has rung the wakeup,
        // which keeps the ring, so waiting now misses nothing and saves asking again.
        const delivered = await this.consumeBatch(topic);
        if (delivered < this.timing.batchSize) {
          await wakeup.wait(this.timing.pollIntervalMs, signal);
        }
      } catch (error) {
        this.logger.error(
          { group: this.options.group, topic, error: describeError(error) },
          'embedded consumer failed, retrying',
        );
        await pause(this.timing.pollIntervalMs, signal);
      }
    }
  }

  /** Delivers what is pending while this member holds the lease; returns how many. */
  private async consumeBatch(topic: string): Promise<number> {
    const hold = this.holds.get(topic) ?? (await this.claim(topic));
    if (!hold) return 0;
    const batch = await this.store.pending(topic, hold.position, this.timing.batchSize);
    if (await this.deliveredAtOnce(topic, hold, batch)) return batch.length;
    let delivered = 0;
    for (const message of batch) {
      if (this.stopping.signal.aborted || !(await this.stillHeld(topic, hold))) break;
      const outcome = await deliver(
        { topic, key: message.key, raw: message.raw, checked: message.checked },
        { ...this.delivery, signal: this.stopping.signal },
      );
      if (outcome.kind === 'abandoned') break;
      if (outcome.kind === 'dead-lettered') {
        const deadLetter = { topic: topics.deadLetter(topic), envelope: outcome.deadLetter };
        await this.handledOnDisk();
        const writtenAt = Date.now();
        if (!(await this.store.deadLetter(this.leaseOf(topic), message.sequence, deadLetter))) {
          this.lose(topic, hold);
          break;
        }
        hold.until = writtenAt + this.timing.leaseMs;
        hold.saved = message.sequence;
        this.onDeadLetter(deadLetter.topic);
      }
      hold.position = message.sequence;
      this.saveSoon();
      delivered++;
    }
    return delivered;
  }

  /** True once the batch handler, where there is one, has handled all of `batch` at once. */
  private async deliveredAtOnce(
    topic: string,
    hold: Hold,
    batch: readonly StoredMessage[],
  ): Promise<boolean> {
    // Before the lease is checked: most consumers have no batch handler.
    if (!this.delivery.batchHandler || batch.length < 2) return false;
    if (this.stopping.signal.aborted || !(await this.stillHeld(topic, hold))) return false;
    const received = batch.map(({ key, raw, checked }) => ({ topic, key, raw, checked }));
    if (!(await deliverAtOnce(received, this.delivery))) return false;
    hold.position = batch[batch.length - 1].sequence;
    this.saveSoon();
    return true;
  }

  private async claim(topic: string): Promise<Hold | undefined> {
    const claimedAt = Date.now();
    const position = await this.store.claim(
      this.leaseOf(topic),
      this.options.fromBeginning === false,
    );
    if (position === null) return undefined;
    const hold = { position, saved: position, until: claimedAt + this.timing.leaseMs };
    this.holds.set(topic, hold);
    return hold;
  }

  /**
   * Whether the lease is still this member's. One that stalled past half its lease (a long
   * handler, a blocked process) writes first: past the lease, another member may have taken over.
   */
  private async stillHeld(topic: string, hold: Hold): Promise<boolean> {
    if (Date.now() > hold.until - this.timing.leaseMs / 2) await this.save(false);
    return this.holds.get(topic) === hold;
  }

  private saveSoon(): void {
    this.pendingSave ??= setTimeout(() => {
      this.pendingSave = undefined;
      void this.save(true);
    }, this.timing.positionSaveMs);
  }

  /** Writes the held topics' positions (`movedOnly`: those that moved since), extending the leases. */
  private async save(movedOnly: boolean): Promise<void> {
    const holds = [...this.holds].filter(([, hold]) => !movedOnly || hold.position !== hold.saved);
    if (holds.length === 0) return;
    const positions = holds.map(([topic, hold]) => ({
      lease: this.leaseOf(topic),
      position: hold.position,
    }));
    try {
      if (holds.some(([, hold]) => hold.position !== hold.saved)) await this.handledOnDisk();
      const writtenAt = Date.now();
      const lost = await this.store.save(positions);
      holds.forEach(([topic, hold], index) => {
        if (lost.includes(topic)) return this.lose(topic, hold);
        hold.until = writtenAt + this.timing.leaseMs;
        hold.saved = positions[index].position;
      });
    } catch (error) {
      this.logger.warn(
        { group: this.options.group, error: describeError(error) },
        'could not save the positions of an embedded consumer',
      );
    }
  }

  /** What the handler stored for the messages delivered so far, on the disk (`durable`). */
  private async handledOnDisk(): Promise<void> {
    await this.options.durable?.();
  }

  /** Another member took the topic over; it delivers from the position last saved. */
  private lose(topic: string, hold: Hold): void {
    if (this.holds.get(topic) === hold) this.holds.delete(topic);
  }
}

import { randomUUID } from 'node:crypto';
import { topics } from '../../messaging/topics';
import { Consumer, ConsumerOptions } from '../../ports/message-bus';
import { Logger, describeError } from '../../ports/logger';
import { deliver, DeliveryOptions } from '../shared/message-delivery';
import { pause, Wakeup } from '../shared/wakeup';
import { EmbeddedBusStore, Lease } from './embedded-bus-store';

export interface EmbeddedConsumerTiming {
  /** Fallback poll for messages written by other processes and for free leases. */
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly batchSize: number;
}

/**
 * One member of a consumer group on the embedded bus. Per topic, the member holding the
 * group's lease delivers the messages one at a time in publish order (so per-key order holds
 * trivially); other members stand by and take over when it stops, dies or stalls past its lease.
 */
export class EmbeddedGroupConsumer implements Consumer {
  private readonly stopping = new AbortController();
  private readonly owner = `${process.pid}:${randomUUID()}`;
  private readonly wakeups = new Map<string, Wakeup>();
  private readonly held = new Set<string>();
  private running: Promise<void>[] = [];
  private renewal?: NodeJS.Timeout;
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
    // Keeps the leases of a member whose handler takes long; the loops renew on every ack.
    this.renewal = setInterval(() => void this.renewLeases(), this.timing.leaseMs / 3);
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
      await Promise.all(this.running);
      await Promise.all(
        this.options.topics.map((topic) => this.store.release(this.leaseOf(topic))),
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
    const lease = this.leaseOf(topic);
    if (!this.held.has(topic)) {
      if (!(await this.store.claim(lease, this.options.fromBeginning === false))) return 0;
      this.held.add(topic);
    }
    const batch = await this.store.pending(lease, this.timing.batchSize);
    let delivered = 0;
    for (const message of batch) {
      if (this.stopping.signal.aborted) break;
      const outcome = await deliver(
        { topic, key: message.key, raw: message.raw },
        { ...this.delivery, signal: this.stopping.signal },
      );
      if (outcome.kind === 'abandoned') break;
      const deadLetter =
        outcome.kind === 'dead-lettered'
          ? { topic: topics.deadLetter(topic), envelope: outcome.deadLetter }
          : undefined;
      if (!(await this.store.acknowledge(lease, message.sequence, deadLetter))) {
        this.held.delete(topic);
        break;
      }
      if (deadLetter) this.onDeadLetter(deadLetter.topic);
      delivered++;
    }
    return delivered;
  }

  private async renewLeases(): Promise<void> {
    for (const topic of [...this.held]) {
      try {
        if (!(await this.store.renew(this.leaseOf(topic)))) this.held.delete(topic);
      } catch (error) {
        this.logger.warn(
          { group: this.options.group, topic, error: describeError(error) },
          'could not renew the lease of an embedded consumer',
        );
      }
    }
  }
}

import { Envelope } from '../../messaging/envelope';
import { MessageBus } from '../../ports/message-bus';
import { Logger, describeError, silentLogger } from '../../ports/logger';
import { Rerun } from './rerun';
import { pause, Wakeup } from './wakeup';

/** A message waiting in an outbox, with what its store knows it by. */
export interface PendingMessage<TId = unknown> {
  readonly id: TId;
  readonly topic: string;
  readonly envelope: Envelope;
}

/** Where an outbox's messages wait: SQL tables, a MongoDB collection. */
export interface OutboxSource<TId = unknown> {
  /**
   * The oldest messages not yet published, oldest first. `after`, the newest one the relay
   * has published but not yet marked, lets a store whose ids follow commit order skip those.
   */
  pending(limit: number, after?: TId): Promise<PendingMessage<TId>[]>;
  /** Those are out; losing this mark (a crash) only publishes them again. */
  published(ids: readonly TId[]): Promise<void>;
}

export interface OutboxRelayOptions {
  /** Fallback when nobody nudges (another process wrote, a nudge was missed); 1 s by default. */
  readonly pollIntervalMs?: number;
  /** Wait after a failed publish before trying again; 1 s by default. */
  readonly retryDelayMs?: number;
  readonly batchSize?: number;
  /**
   * How long a published message may wait for its mark, so that one mark (a write to the
   * store) covers every message published meanwhile; 0, at once, by default. A crash in that
   * while publishes those messages again, which consumers' inboxes absorb.
   */
  readonly markDelayMs?: number;
  readonly logger?: Logger;
}

/**
 * Publishes what an outbox holds, oldest first, and marks it published once the bus holds it
 * durably. A failed publish is retried from the first unpublished message, so order holds
 * and nothing is lost; a message may go out twice (the process dies before its mark, or two
 * replicas relay one store), which consumers' inboxes absorb.
 *
 * Marks trail the publishes: a bus that keeps its newest messages only in memory or in the
 * page cache for a moment (the embedded one) says when they are on the disk, and one mark
 * then covers every message published meanwhile. Until marked, a message is remembered here
 * as published, and never relayed again by this relay.
 */
export class OutboxRelay<TId = unknown> {
  private readonly wakeup = new Wakeup();
  private readonly logger: Logger;
  private running?: { stopping: AbortController; loop: Promise<void> };
  /** Published, not yet marked: by the key of their id. */
  private readonly unmarked = new Map<string, TId>();
  private lastPublished?: TId;
  private readonly marks = new Rerun(
    () => this.markDurable(),
    () => this.unmarked.size > 0,
  );

  constructor(
    private readonly source: OutboxSource<TId>,
    private readonly bus: MessageBus,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.running) return;
    const stopping = new AbortController();
    this.running = { stopping, loop: this.run(stopping.signal) };
  }

  /** Something was committed to the outbox: publish it now rather than at the next poll. */
  nudge(): void {
    this.wakeup.ring();
  }

  /** Lets the batch in hand finish, and marks what was published. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    running?.stopping.abort();
    await running?.loop;
    await this.marks.settled();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    while (!signal.aborted) {
      try {
        const relayed = await this.relayBatch(batchSize);
        if (relayed < batchSize)
          await this.wakeup.wait(this.options.pollIntervalMs ?? 1_000, signal);
      } catch (error) {
        this.logger.warn({ error: describeError(error) }, 'outbox relay failed, retrying');
        await pause(this.options.retryDelayMs ?? 1_000, signal);
      }
    }
  }

  private async relayBatch(batchSize: number): Promise<number> {
    const after = this.unmarked.size > 0 ? this.lastPublished : undefined;
    const rows = (await this.source.pending(batchSize + this.unmarked.size, after))
      .filter((row) => !this.unmarked.has(keyOf(row.id)))
      .slice(0, batchSize);
    if (rows.length === 0) return 0;
    // One publish for all the topics: a change's event and its saga reply, say, go out in one
    // request to the broker, not one after the other.
    await this.bus.publishAll(rows, { redoneIfLost: true });
    for (const row of rows) this.unmarked.set(keyOf(row.id), row.id);
    this.lastPublished = rows[rows.length - 1].id;
    this.marks.request();
    return rows.length;
  }

  /**
   * Marks what was published, each time the bus has it on the disk, until nothing is left;
   * false when it gave up (the relay stopped while marks failed).
   */
  private async markDurable(): Promise<boolean> {
    while (this.unmarked.size > 0) {
      // A stopping relay marks at once (its signal aborted cuts the wait short).
      const delay = this.options.markDelayMs ?? 0;
      if (delay > 0 && this.running) await pause(delay, this.running.stopping.signal);
      const ids = [...this.unmarked.values()];
      try {
        await this.bus.durable();
        await this.source.published(ids);
        for (const id of ids) this.unmarked.delete(keyOf(id));
      } catch (error) {
        // Still remembered as published: marked at the next try, never relayed twice here.
        // A stopped relay gives up; the next start publishes the unmarked ones again.
        this.logger.warn({ error: describeError(error) }, 'outbox marks failed, retrying');
        if (!this.running) return false;
        await pause(this.options.retryDelayMs ?? 1_000);
      }
    }
    return true;
  }
}

/** Ids are numbers, strings or ObjectIds: their text tells them apart. */
const keyOf = (id: unknown): string => String(id);

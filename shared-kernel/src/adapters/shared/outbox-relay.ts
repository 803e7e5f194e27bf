import { Envelope } from '../../messaging/envelope';
import { MessageBus } from '../../ports/message-bus';
import { Logger, describeError, silentLogger } from '../../ports/logger';
import { pause, Wakeup } from './wakeup';

/** A message waiting in an outbox, with what its store knows it by. */
export interface PendingMessage<TId = unknown> {
  readonly id: TId;
  readonly topic: string;
  readonly envelope: Envelope;
}

/** Where an outbox's messages wait: SQL tables, a MongoDB collection. */
export interface OutboxSource<TId = unknown> {
  /** The oldest messages not yet published, oldest first. */
  pending(limit: number): Promise<PendingMessage<TId>[]>;
  /** Those are out; losing this mark (a crash) only publishes them again. */
  published(ids: readonly TId[]): Promise<void>;
}

export interface OutboxRelayOptions {
  /** Fallback when nobody nudges (another process wrote, a nudge was missed); 1 s by default. */
  readonly pollIntervalMs?: number;
  /** Wait after a failed publish before trying again; 1 s by default. */
  readonly retryDelayMs?: number;
  readonly batchSize?: number;
  readonly logger?: Logger;
}

/** Consecutive messages of one topic, published in one call. */
const runsByTopic = <TId>(rows: readonly PendingMessage<TId>[]): PendingMessage<TId>[][] =>
  rows.reduce<PendingMessage<TId>[][]>((runs, row) => {
    const last = runs.at(-1);
    if (last && last[0].topic === row.topic) last.push(row);
    else runs.push([row]);
    return runs;
  }, []);

/**
 * Publishes what an outbox holds, oldest first, and marks it published. A failed publish is
 * retried from the first unpublished message, so order holds and nothing is lost; a message
 * may go out twice (the process dies between publish and mark, or two replicas relay one
 * store), which consumers' inboxes absorb.
 */
export class OutboxRelay<TId = unknown> {
  private readonly wakeup = new Wakeup();
  private readonly logger: Logger;
  private running?: { stopping: AbortController; loop: Promise<void> };

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

  /** Lets the batch in hand finish. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    running?.stopping.abort();
    await running?.loop;
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
    const rows = await this.source.pending(batchSize);
    for (const run of runsByTopic(rows)) {
      await this.bus.publish(
        run[0].topic,
        run.map((row) => row.envelope),
      );
      await this.source.published(run.map((row) => row.id));
    }
    return rows.length;
  }
}

import { Envelope } from '../../messaging/envelope';
import { MessageBus } from '../../ports/message-bus';
import { Logger, describeError, silentLogger } from '../../ports/logger';
import { pause, Wakeup } from '../shared/wakeup';
import { SqlDatabase } from './sql-database';

export interface OutboxRelayOptions {
  /** Fallback when nobody nudges (another process wrote, a nudge was missed); 1 s by default. */
  readonly pollIntervalMs?: number;
  /** Wait after a failed publish before trying again; 1 s by default. */
  readonly retryDelayMs?: number;
  readonly batchSize?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
}

interface PendingRow {
  sequence: number | string;
  topic: string;
  envelope: string;
}

/** Consecutive rows of one topic, published in one call. */
const runsByTopic = (rows: readonly PendingRow[]): PendingRow[][] =>
  rows.reduce<PendingRow[][]>((runs, row) => {
    const last = runs.at(-1);
    if (last && last[0].topic === row.topic) last.push(row);
    else runs.push([row]);
    return runs;
  }, []);

/**
 * Publishes what `SqlOutbox` holds, oldest first, and marks it published. A failed publish is
 * retried from the first unpublished message, so order holds and nothing is lost; a message
 * may go out twice (the process dies between publish and mark), which consumers' inboxes absorb.
 * Run one relay per database: two would publish much of the outbox twice.
 */
export class OutboxRelay {
  private readonly wakeup = new Wakeup();
  private readonly logger: Logger;
  private readonly now: () => number;
  private running?: { stopping: AbortController; loop: Promise<void> };

  constructor(
    private readonly database: SqlDatabase,
    private readonly bus: MessageBus,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
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
    const rows = await this.database.query<PendingRow>(
      'SELECT sequence, topic, envelope FROM outbox WHERE published_at IS NULL ORDER BY sequence LIMIT ?',
      [batchSize],
    );
    for (const run of runsByTopic(rows)) {
      const envelopes = run.map((row) => JSON.parse(row.envelope) as Envelope);
      await this.bus.publish(run[0].topic, envelopes);
      const sequences = run.map((row) => Number(row.sequence));
      await this.database.execute(
        `UPDATE outbox SET published_at = ? WHERE sequence IN (${sequences.map(() => '?').join(', ')})`,
        [this.now(), ...sequences],
        // A mark lost with a power cut publishes the message again, which inboxes absorb.
        { redoneIfLost: true },
      );
    }
    return rows.length;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import {
  EventBatchHandler,
  EventHandler,
  EventSubscription,
  RecordedEvent,
} from '../ports/event-store';
import { Rerun } from './shared/rerun';
import { contextOf, inSpan, SpanKind } from './shared/tracing';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/**
 * The catch-up subscription every EventStore adapter offers: the adapters supply where the
 * events come from (`EventFeed`) and where the checkpoint is kept (`CheckpointStore`); the
 * delivery rules live here, once.
 */

/** How long a subscription waits before trying again an event its handler failed on. */
export interface HandlerRetryPolicy {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const defaultHandlerRetry: HandlerRetryPolicy = {
  initialBackoffMs: 100,
  maxBackoffMs: 5_000,
};

/**
 * Told of every failure inside a subscription: a handler that threw (with the event, which is
 * tried again) or the store failing under it (without one). The adapters cannot log, so the
 * composition root passes its logger in here.
 */
export type SubscriptionErrorListener = (
  error: unknown,
  subscriberId: string,
  event?: RecordedEvent,
) => void;

export interface SubscriptionSettings {
  readonly handlerRetry?: HandlerRetryPolicy;
  readonly onSubscriptionError?: SubscriptionErrorListener;
}

/** Where each subscriber's last handled position is kept. */
export interface CheckpointStore {
  load(subscriberId: string): Promise<bigint | undefined>;
  save(subscriberId: string, position: bigint): Promise<void>;
}

/**
 * The events strictly after `after` (from the first one when undefined), past then live, in
 * order, as many at a time as the store has in hand (never none). It ends only when `signal`
 * aborts; anything else that ends it is thrown.
 */
export type EventFeed = (
  after: bigint | undefined,
  signal: AbortSignal,
) => AsyncIterable<readonly RecordedEvent[]>;

/** What a subscription hands its events to. */
export interface SubscriptionHandlers {
  readonly handler: EventHandler;
  /** Several events at once, where the feed has them (see `SubscribeOptions`). */
  readonly batchHandler?: EventBatchHandler;
  /** See `SubscribeOptions.durable`. */
  readonly durable?: () => Promise<void>;
}

/** Resolves true after `ms`, false as soon as `signal` aborts. */
export const pause = (ms: number, signal: AbortSignal): Promise<boolean> =>
  sleep(ms, undefined, { signal }).then(
    () => true,
    () => false,
  );

/**
 * A trailing checkpoint is written at most this often: one write serves every event handled
 * meanwhile, where a store that commits each write to the disk (MySQL) paid one per event.
 */
export const CHECKPOINT_INTERVAL_MS = 100;

const backoff = (policy: HandlerRetryPolicy, attempt: number): number =>
  Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));

/**
 * Hands the feed's events to the handler one at a time, or those the feed has in hand to the
 * batch handler at once, and stores the checkpoint after each success. A failing batch goes
 * to the handler one event at a time; a failing event is retried with backoff, never skipped,
 * so a subscriber sees every event in order; a failing store is re-read from the last
 * checkpoint.
 *
 * With `durable`, the checkpoint trails: it is stored once `durable()` has resolved, covering
 * every event handled before the call, and at most every `CHECKPOINT_INTERVAL_MS` (at once
 * when the subscription stops); meanwhile the subscription goes on from the position it
 * keeps in memory. A crash in between hands those events over again, as it would any.
 */
class CheckpointedSubscription implements EventSubscription {
  private readonly stopping = new AbortController();
  private readonly retry: HandlerRetryPolicy;
  private readonly finished: Promise<void>;
  /** The last event handled, and the last whose checkpoint is stored. */
  private handled?: bigint;
  private stored?: bigint;
  private storedAt = 0;
  private readonly trailing = new Rerun(
    () => this.storeDurable(),
    () => this.handled !== this.stored,
  );

  constructor(
    private readonly subscriberId: string,
    private readonly feed: EventFeed,
    private readonly handlers: SubscriptionHandlers,
    private readonly checkpoints: CheckpointStore,
    private readonly settings: SubscriptionSettings,
  ) {
    this.retry = settings.handlerRetry ?? defaultHandlerRetry;
    this.finished = this.run();
  }

  /** Lets the events in hand finish (unless a handler is failing) and store their checkpoint. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.finished;
    await this.trailing.settled();
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const loaded = await this.checkpoints.load(this.subscriberId);
        // What was handled before a failing read is not handled again.
        const after =
          this.handled !== undefined && (loaded === undefined || this.handled > loaded)
            ? this.handled
            : loaded;
        if (signal.aborted) return;
        for await (const events of this.feed(after, signal)) {
          if (await this.handledAtOnce(events)) {
            await this.checkpoint(events[events.length - 1].position);
          } else {
            for (const event of events) {
              if (!(await this.handle(event))) return;
              await this.checkpoint(event.position);
              if (signal.aborted) return;
            }
          }
          failures = 0;
          if (signal.aborted) return;
        }
      } catch (error) {
        if (signal.aborted) return;
        this.report(error);
        failures += 1;
        await pause(backoff(this.retry, failures), signal);
      }
    }
  }

  /**
   * Stores the checkpoint of the last event handled once `durable()` has resolved; false when
   * it gave up (the subscription stopped while the store failed).
   */
  private async storeDurable(): Promise<boolean> {
    const wait = this.storedAt + CHECKPOINT_INTERVAL_MS - Date.now();
    if (wait > 0) await pause(wait, this.stopping.signal);
    for (let failures = 1; ; failures += 1) {
      const position = this.handled as bigint;
      try {
        await (this.handlers.durable as () => Promise<void>)();
        await this.checkpoints.save(this.subscriberId, position);
        this.stored = position;
        this.storedAt = Date.now();
        return true;
      } catch (error) {
        this.report(error);
        if (!(await pause(backoff(this.retry, failures), this.stopping.signal))) return false;
      }
    }
  }

  private async checkpoint(position: bigint): Promise<void> {
    this.handled = position;
    if (this.handlers.durable) this.trailing.request();
    else await this.checkpoints.save(this.subscriberId, position);
  }

  /** True once the batch handler, where there is one, has handled all of `events` at once. */
  private async handledAtOnce(events: readonly RecordedEvent[]): Promise<boolean> {
    const { batchHandler } = this.handlers;
    if (!batchHandler || events.length < 2) return false;
    try {
      await inSpan(
        'events project',
        SpanKind.CONSUMER,
        { 'subscriber.id': this.subscriberId, 'messaging.batch.message_count': events.length },
        () => batchHandler(events),
        contextOf(undefined),
        events.map((event) => contextOf(text(event.metadata.traceparent))),
      );
      return true;
    } catch (error) {
      // Each event on its own, with retries, tells which one fails.
      this.report(error);
      return false;
    }
  }

  /** True once the handler succeeded; false when stopped while it keeps failing. */
  private async handle(event: RecordedEvent): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await inSpan(
          `${event.type} project`,
          SpanKind.CONSUMER,
          { 'subscriber.id': this.subscriberId },
          () => this.handlers.handler(event),
          contextOf(text(event.metadata.traceparent)),
        );
        return true;
      } catch (error) {
        this.report(error, event);
        if (!(await pause(backoff(this.retry, attempt), this.stopping.signal))) return false;
      }
    }
  }

  private report(error: unknown, event?: RecordedEvent): void {
    try {
      this.settings.onSubscriptionError?.(error, this.subscriberId, event);
    } catch {
      // A listener that throws must not end the subscription it reports on.
    }
  }
}

/** The subscriptions of one store, so that closing the store stops them first. */
export class Subscriptions {
  private readonly running = new Set<CheckpointedSubscription>();

  constructor(
    private readonly checkpoints: CheckpointStore,
    private readonly settings: SubscriptionSettings,
  ) {}

  start(subscriberId: string, feed: EventFeed, handlers: SubscriptionHandlers): EventSubscription {
    const subscription = new CheckpointedSubscription(
      subscriberId,
      feed,
      handlers,
      this.checkpoints,
      this.settings,
    );
    this.running.add(subscription);
    return {
      stop: async () => {
        await subscription.stop();
        this.running.delete(subscription);
      },
    };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((subscription) => subscription.stop()));
    this.running.clear();
  }
}

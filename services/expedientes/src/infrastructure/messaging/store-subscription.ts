import {
  EventStore,
  EventSubscription,
  RecordedEvent,
  SubscribeOptions,
} from '@expedientes/shared-kernel';
import { EXPEDIENTE_STREAM_PREFIX } from '../../application/expediente-stream';

/** What a subscription does with the events: each one, or those in hand at once. */
export interface StoreSubscriptionHandlers extends Pick<SubscribeOptions, 'durable'> {
  readonly handleAll: (events: readonly RecordedEvent[]) => Promise<void>;
}

/**
 * A catch-up subscription to the expedientes' streams of the service's own event store, with its
 * checkpoint kept by the store: it starts after the last event it handled. It hands over the
 * events the store has in hand at once, which merges their writes; one at a time on a retry.
 */
export class StoreSubscription {
  private subscription: EventSubscription | null = null;

  constructor(
    private readonly store: EventStore,
    readonly subscriberId: string,
    private readonly handlers: StoreSubscriptionHandlers,
  ) {}

  async start(): Promise<void> {
    const { handleAll, durable } = this.handlers;
    this.subscription ??= await this.store.subscribeToAll(
      this.subscriberId,
      (event) => handleAll([event]),
      { streamPrefixes: [EXPEDIENTE_STREAM_PREFIX], batchHandler: handleAll, durable },
    );
  }

  /** Lets the events in hand finish and their checkpoint be stored. */
  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }
}

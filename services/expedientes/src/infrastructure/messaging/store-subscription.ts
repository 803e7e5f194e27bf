import { EventHandler, EventStore, EventSubscription } from '@expedientes/shared-kernel';
import { EXPEDIENTE_STREAM_PREFIX } from '../../application/expediente-stream';

/**
 * A catch-up subscription to the expedientes' streams of the service's own event store, with its
 * checkpoint kept by the store: it starts after the last event it handled.
 */
export class StoreSubscription {
  private subscription: EventSubscription | null = null;

  constructor(
    private readonly store: EventStore,
    readonly subscriberId: string,
    private readonly handler: EventHandler,
    private readonly durable?: () => Promise<void>,
  ) {}

  async start(): Promise<void> {
    this.subscription ??= await this.store.subscribeToAll(this.subscriberId, this.handler, {
      streamPrefixes: [EXPEDIENTE_STREAM_PREFIX],
      durable: this.durable,
    });
  }

  /** Lets the event in hand finish and its checkpoint be stored. */
  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }
}

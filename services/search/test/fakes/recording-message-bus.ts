import { Consumer, ConsumerOptions, Envelope, MessageBus } from '@expedientes/shared-kernel';

export interface RecordedSubscription {
  readonly options: ConsumerOptions;
  stopped: boolean;
}

/** A bus whose consumers get what a test hands them, and that remembers who subscribed. */
export class RecordingMessageBus implements MessageBus {
  readonly subscriptions: RecordedSubscription[] = [];

  async publish(): Promise<void> {
    throw new Error('the search service publishes nothing');
  }

  async publishAll(): Promise<void> {
    throw new Error('the search service publishes nothing');
  }

  async durable(): Promise<void> {}

  async subscribe(options: ConsumerOptions): Promise<Consumer> {
    const subscription: RecordedSubscription = { options, stopped: false };
    this.subscriptions.push(subscription);
    return {
      stop: async () => {
        subscription.stopped = true;
      },
    };
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.stopped = true;
  }

  /** The consumers still subscribed. */
  get active(): RecordedSubscription[] {
    return this.subscriptions.filter((subscription) => !subscription.stopped);
  }

  /** Hands `envelope` to the active consumer of `group`, as the bus would deliver it. */
  async deliver(group: string, topic: string, envelope: Envelope): Promise<void> {
    const subscription = this.active.find((each) => each.options.group === group);
    if (!subscription) throw new Error(`no active consumer in group ${group}`);
    await subscription.options.handler(envelope, { topic, attempt: 1 });
  }
}

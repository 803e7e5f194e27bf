import {
  Consumer,
  ConsumerOptions,
  Envelope,
  MessageBus,
  OutgoingMessage,
  PublishOptions,
} from '@expedientes/shared-kernel';

/**
 * A bus whose topics and consumer groups all carry `namespace`: the suite's module and its
 * played participants talk on a real broker, on topics no other suite (nor a real documents or
 * bpm under test at the same time) publishes to or consumes from.
 */
export class NamespacedBus implements MessageBus {
  constructor(
    private readonly inner: MessageBus,
    private readonly namespace: string,
  ) {}

  publish(topic: string, messages: readonly Envelope[], options?: PublishOptions): Promise<void> {
    return this.inner.publish(this.topic(topic), messages, options);
  }

  publishAll(messages: readonly OutgoingMessage[], options?: PublishOptions): Promise<void> {
    const namespaced = messages.map(({ topic, envelope }) => ({
      topic: this.topic(topic),
      envelope,
    }));
    return this.inner.publishAll(namespaced, options);
  }

  durable(): Promise<void> {
    return this.inner.durable();
  }

  subscribe(options: ConsumerOptions): Promise<Consumer> {
    return this.inner.subscribe({
      ...options,
      group: `${options.group}.${this.namespace}`,
      topics: options.topics.map((topic) => this.topic(topic)),
      // The handler sees the topics by their own names, as the module expects.
      handler: (message, context) =>
        options.handler(message, { ...context, topic: this.original(context.topic) }),
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private topic(topic: string): string {
    return `${this.namespace}.${topic}`;
  }

  private original(topic: string): string {
    return topic.startsWith(`${this.namespace}.`) ? topic.slice(this.namespace.length + 1) : topic;
  }
}

import { Envelope } from '../messaging/envelope';
import type { OutgoingMessage } from './outbox-inbox';

export interface MessageContext {
  readonly topic: string;
  /** 1 on first delivery; higher on retries and redeliveries this process knows of. */
  readonly attempt: number;
}

export type MessageHandler = (message: Envelope, context: MessageContext) => Promise<void>;

/** A message with what its handler would be told of it. */
export interface DeliveredMessage {
  readonly message: Envelope;
  readonly context: MessageContext;
}

/**
 * Handles consecutive messages of one partition at once, leaving things as the handler would
 * have left them after each in turn (one transaction for all of them, say, where the handler
 * had one for each). It must be all or nothing, or leave what it did to be found done: when
 * it throws, every one of them goes to the handler.
 */
export type BatchHandler = (messages: readonly DeliveredMessage[]) => Promise<void>;

export interface RetryPolicy {
  /** Tries before the message goes to the dead-letter topic. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
};

export interface ConsumerOptions {
  /** Consumer group: each message is handled by one member of each group. */
  readonly group: string;
  readonly topics: readonly string[];
  readonly handler: MessageHandler;
  /**
   * Where the bus has several messages of a partition in hand, it may give them here at once
   * instead of to `handler` one by one; when this fails, or one of them breaks its contract,
   * it gives them to `handler` one by one, which retries and dead-letters each on its own.
   */
  readonly batchHandler?: BatchHandler;
  /**
   * The types of message the group acts on; any other is acknowledged as it comes, neither
   * validated nor handed over (the groups that act on it validate it). All by default.
   */
  readonly accepts?: (type: string) => boolean;
  readonly retry?: RetryPolicy;
  /** Where a new group starts: `earliest` (default) reads what was published before it. */
  readonly fromBeginning?: boolean;
  /**
   * False for a group that lives only as long as its consumer (one per process, say, for
   * notifications): no position is kept for it where the broker would keep one, so a group
   * left by a process that died holds no lag and is forgotten. Such a group starts at the end.
   */
  readonly keepsPosition?: boolean;
  /**
   * Resolves once what the handler has stored so far is on the disk. With it, the handler may
   * store without waiting for the disk (a commit that is redone if lost): the bus records
   * how far the group got only after this has resolved, so after a power cut it delivers
   * again whatever the handler's store lost.
   */
  readonly durable?: () => Promise<void>;
}

export interface Consumer {
  /** Stops taking messages, lets the one in hand finish, and commits what was handled. */
  stop(): Promise<void>;
}

export interface PublishOptions {
  /**
   * The caller publishes these again should a power cut lose them (an outbox relay, which
   * marks them published only once `durable()` has resolved): the bus may answer as soon as
   * they are stored and visible, before they are on the disk.
   */
  readonly redoneIfLost?: boolean;
}

/**
 * Publish/subscribe between services with at-least-once delivery.
 * - Messages with the same key are handled in the order they were published.
 * - A message is acknowledged only after its handler succeeded; one not acknowledged when a
 *   consumer dies is delivered again.
 * - A failing handler is retried with backoff; after `maxAttempts`, and at once for a message
 *   that breaks its contract, the message goes to `<topic>.dlq` with the reason, and the
 *   consumer goes on.
 * - Every message is validated against the registry on publish (invalid: the publish throws)
 *   and on consume.
 */
export interface MessageBus {
  publish(topic: string, messages: readonly Envelope[], options?: PublishOptions): Promise<void>;
  /**
   * Publishes messages of several topics at once (Kafka: one request per broker), each topic's
   * in the order given. Checked as `publish` checks them, all before any is sent; when it
   * fails, some may have gone out, and the caller publishes them all again.
   */
  publishAll(messages: readonly OutgoingMessage[], options?: PublishOptions): Promise<void>;
  /** Resolves once everything published before the call survives a power cut. */
  durable(): Promise<void>;
  subscribe(options: ConsumerOptions): Promise<Consumer>;
  close(): Promise<void>;
}

import { type Db, ObjectId } from 'mongodb';
import { Envelope } from '../../messaging/envelope';
import { MessageRegistry } from '../../messaging/message-registry';
import { OutgoingMessage } from '../../ports/outbox-inbox';
import { OutboxSource, PendingMessage } from '../shared/outbox-relay';
import { traced } from '../shared/tracing';

const COLLECTION = 'outbox';

interface StoredMessage {
  _id: ObjectId;
  topic: string;
  envelope: string;
  enqueuedAt: Date;
}

/** One of this process's messages, from before its insert until it is marked published. */
interface OwnMessage {
  readonly message: StoredMessage;
  stored: boolean;
}

export interface MongoOutboxOptions {
  /**
   * How often, at most, `pending` reads the collection for messages this process did not
   * enqueue (another replica's, or left by a crash); 1 s by default, the relay's fallback poll.
   */
  readonly rescanMs?: number;
  /**
   * How old a message this process does not hold must be before its relay takes it: 5 s by
   * default. Younger, it is most likely another replica's, published or about to be, whose
   * mark is yet to come; one left by a crash goes out that much later.
   */
  readonly strayAfterMs?: number;
}

/**
 * An outbox in a MongoDB collection, for a store without transactions (FerretDB): the caller
 * enqueues a change's messages right after the writes they describe, so a request no longer
 * waits for the broker (or fails while it is away); `OutboxRelay` publishes them in the order
 * of their ids (a process's own in the order it enqueued them) and deletes them.
 *
 * The process's own messages are handed to its relay from memory once stored: reading them
 * back cost a query per nudge, and FerretDB reads, and sorts itself, the whole collection for
 * each. The collection is read at the relay's first call and until it has been drained of
 * what was there, then at most every `rescanMs`, for the messages of no live process (those
 * older than `strayAfterMs`): a replica that took another's young ones published them twice.
 */
export class MongoOutbox implements OutboxSource<ObjectId> {
  private readonly messages;
  private readonly rescanMs: number;
  private readonly strayAfterMs: number;
  /** By the key of their id, in the order enqueued. */
  private readonly own = new Map<string, OwnMessage>();
  private scannedAt = Number.NEGATIVE_INFINITY;
  /** The last read of the collection filled its page: it is read until it holds less. */
  private backlog = true;

  constructor(
    db: Db,
    private readonly registry: MessageRegistry,
    private readonly now: () => Date = () => new Date(),
    options: MongoOutboxOptions = {},
  ) {
    this.messages = db.collection<StoredMessage>(COLLECTION);
    this.rescanMs = options.rescanMs ?? 1_000;
    this.strayAfterMs = options.strayAfterMs ?? 5_000;
  }

  /** Validates here, so a message that breaks its contract fails its caller, not the relay. */
  async enqueue(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const enqueuedAt = this.now();
    const own = messages.map(({ topic, envelope }) => ({
      message: {
        _id: new ObjectId(),
        topic,
        envelope: JSON.stringify(traced(this.registry.assertValid(envelope))),
        enqueuedAt,
      },
      stored: false,
    }));
    // Known before the insert: a read of the collection meanwhile may relay them, and their
    // mark then forgets them here too.
    for (const each of own) this.own.set(each.message._id.toHexString(), each);
    try {
      await this.messages.insertMany(
        own.map(({ message }) => message),
        { ordered: true },
      );
    } catch (error) {
      // Any stored before the failure are found by the next read of the collection.
      for (const { message } of own) this.own.delete(message._id.toHexString());
      throw error;
    }
    for (const each of own) each.stored = true;
  }

  async pending(limit: number): Promise<PendingMessage<ObjectId>[]> {
    const ready: PendingMessage<ObjectId>[] = [];
    const at = this.now().getTime();
    if (this.backlog || at - this.scannedAt >= this.rescanMs) {
      this.scannedAt = at;
      const strays = await this.messages
        .find({ enqueuedAt: { $lte: new Date(at - this.strayAfterMs) } })
        .sort({ _id: 1 })
        .limit(limit)
        .toArray();
      this.backlog = strays.length >= limit;
      // Older than its own, they go out first.
      ready.push(...strays.map(pendingOf));
    }
    const taken = new Set(ready.map(({ id }) => id.toHexString()));
    // Up to the first one still being inserted, so that they go out in the order enqueued.
    for (const [key, { message, stored }] of this.own) {
      if (!stored || ready.length >= limit) break;
      if (!taken.has(key)) ready.push(pendingOf(message));
    }
    return ready;
  }

  async published(ids: readonly ObjectId[]): Promise<void> {
    await this.messages.deleteMany({ _id: { $in: [...ids] } });
    for (const id of ids) this.own.delete(id.toHexString());
  }
}

const pendingOf = ({ _id, topic, envelope }: StoredMessage): PendingMessage<ObjectId> => ({
  id: _id,
  topic,
  envelope: JSON.parse(envelope) as Envelope,
});

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

/**
 * An outbox in a MongoDB collection, for a store without transactions (FerretDB): the caller
 * enqueues a change's messages right after the writes they describe, so a request no longer
 * waits for the broker (or fails while it is away); `OutboxRelay` publishes them in the order
 * of their ids (a process's own in the order it enqueued them) and deletes them.
 */
export class MongoOutbox implements OutboxSource<ObjectId> {
  private readonly messages;

  constructor(
    db: Db,
    private readonly registry: MessageRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.messages = db.collection<StoredMessage>(COLLECTION);
  }

  /** Validates here, so a message that breaks its contract fails its caller, not the relay. */
  async enqueue(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const enqueuedAt = this.now();
    await this.messages.insertMany(
      messages.map(({ topic, envelope }) => ({
        _id: new ObjectId(),
        topic,
        envelope: JSON.stringify(traced(this.registry.assertValid(envelope))),
        enqueuedAt,
      })),
      { ordered: true },
    );
  }

  async pending(limit: number): Promise<PendingMessage<ObjectId>[]> {
    const stored = await this.messages.find({}).sort({ _id: 1 }).limit(limit).toArray();
    return stored.map(({ _id, topic, envelope }) => ({
      id: _id,
      topic,
      envelope: JSON.parse(envelope) as Envelope,
    }));
  }

  async published(ids: readonly ObjectId[]): Promise<void> {
    await this.messages.deleteMany({ _id: { $in: [...ids] } });
  }
}

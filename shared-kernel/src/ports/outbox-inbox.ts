import { Envelope } from '../messaging/envelope';

export interface OutgoingMessage {
  readonly topic: string;
  readonly envelope: Envelope;
}

/**
 * Messages committed in the same transaction as the state that produced them; a relay
 * publishes them afterwards, in order, so nothing is published that was not committed and
 * nothing committed is lost. `TTransaction` is the store's transaction handle.
 */
export interface Outbox<TTransaction> {
  enqueue(tx: TTransaction, messages: readonly OutgoingMessage[]): Promise<void>;
}

/**
 * The ids of the messages a consumer has handled, recorded in the transaction of the
 * handler's own writes: a redelivered message finds its id and has no second effect.
 */
export interface Inbox<TTransaction> {
  /** True the first time; false when this consumer already handled the message. */
  markProcessed(tx: TTransaction, consumer: string, messageId: string): Promise<boolean>;
}

import {
  Consumer,
  DeliveredMessage,
  describeError,
  Envelope,
  Logger,
  MessageBus,
} from '@expedientes/shared-kernel';
import {
  ExpedienteSearchIndex,
  indexConsumerGroup,
  IndexUpdate,
  IndexUpdateOutcome,
} from '../../domain/expediente-search-index';
import { IndexedExpediente } from '../../domain/indexed-expediente';
import { evolve, expedienteIdOf, indexedTopics } from './expediente-projection';

/** What became of one message: an index update outcome, or `ignored` (not about an expediente). */
export type IndexingOutcome = IndexUpdateOutcome | 'ignored';

export type IndexingObserver = (event: Envelope, topic: string, outcome: IndexingOutcome) => void;

/**
 * Keeps the index fed: one consumer group per generation of the index, reading the
 * integration events from the first one. A rebuild empties the index under the next
 * generation and subscribes its group; another replica that still reads for the old
 * generation finds its updates refused as stale and moves on to the current one.
 */
export class SearchIndexer {
  private subscription?: { readonly generation: number; readonly consumer: Consumer };
  private stopped = true;
  /** Subscribing and unsubscribing take turns, so a rebuild never races a stop. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bus: MessageBus,
    private readonly index: ExpedienteSearchIndex,
    private readonly logger: Logger,
    private readonly observe: IndexingObserver = () => undefined,
  ) {}

  /** The generation being fed; undefined while no consumer is subscribed. */
  get generation(): number | undefined {
    return this.subscription?.generation;
  }

  start(): Promise<void> {
    return this.inTurn(async () => {
      this.stopped = false;
      await this.subscribe(await this.index.currentGeneration());
    });
  }

  /** Lets the message in hand finish. */
  stop(): Promise<void> {
    return this.inTurn(async () => {
      this.stopped = true;
      await this.unsubscribe();
    });
  }

  /** Empties the index and replays every event into it; returns the new generation. */
  rebuild(): Promise<number> {
    return this.inTurn(async () => {
      await this.unsubscribe();
      const generation = await this.index.startNextGeneration();
      this.logger.info({ generation }, 'search index emptied, replaying the events');
      if (!this.stopped) await this.subscribe(generation);
      return generation;
    });
  }

  /** Indexes the messages in order, as one update of the index. */
  private async handle(generation: number, messages: readonly DeliveredMessage[]) {
    const about = messages.map(({ message }) => expedienteIdOf(message));
    const updates = messages.flatMap(({ message }, index): IndexUpdate[] => {
      const expedienteId = about[index];
      if (expedienteId === null) return [];
      const change = (view: IndexedExpediente | null) => evolve(view, message);
      return [{ generation, messageId: message.id, expedienteId, change }];
    });
    const applied = await this.index.update(updates);
    const outcomes = about.map((id): IndexingOutcome =>
      id === null ? 'ignored' : applied.shift()!,
    );
    for (const [index, { message, context }] of messages.entries()) {
      this.observe(message, context.topic, outcomes[index]);
    }
    // Not awaited: moving to another group stops this consumer, which waits for this handler.
    if (outcomes.includes('stale')) void this.followCurrentGeneration();
  }

  private followCurrentGeneration(): Promise<void> {
    return this.inTurn(async () => {
      const current = await this.index.currentGeneration();
      if (this.stopped || this.subscription?.generation === current) return;
      this.logger.info(
        { from: this.subscription?.generation, to: current },
        'the search index was rebuilt elsewhere; following its generation',
      );
      await this.unsubscribe();
      await this.subscribe(current);
    }).catch((error: unknown) => {
      this.logger.error(
        { error: describeError(error) },
        'could not follow the generation of the search index',
      );
    });
  }

  private async subscribe(generation: number): Promise<void> {
    const consumer = await this.bus.subscribe({
      group: indexConsumerGroup(generation),
      topics: indexedTopics,
      fromBeginning: true,
      handler: (message, context) => this.handle(generation, [{ message, context }]),
      batchHandler: (messages) => this.handle(generation, messages),
      durable: () => this.index.durable(),
    });
    this.subscription = { generation, consumer };
  }

  private async unsubscribe(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.consumer.stop();
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }
}

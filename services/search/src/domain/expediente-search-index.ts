import { IndexedExpediente } from './indexed-expediente';
import { SearchPage, SearchQuery } from './search';

/**
 * The index is rebuilt by replaying every event into an empty index under a new generation;
 * each generation is fed by its own consumer group, which starts from the first event.
 */
export const indexConsumerGroup = (generation: number): string => `search.index.g${generation}`;

/** What one event does to the entry of its expediente; null removes the entry. */
export type IndexChange = (current: IndexedExpediente | null) => IndexedExpediente | null;

export interface IndexUpdate {
  /** The generation the event was read for. */
  readonly generation: number;
  readonly messageId: string;
  readonly expedienteId: string;
  readonly change: IndexChange;
}

/**
 * `applied`: the entry changed. `duplicate`: this generation had applied the message already.
 * `stale`: the index has moved on to a later generation; the update was not applied.
 */
export type IndexUpdateOutcome = 'applied' | 'duplicate' | 'stale';

/** The full-text search read model of expedientes. */
export interface ExpedienteSearchIndex {
  /** The generation being fed now; 1 for a new index. */
  currentGeneration(): Promise<number>;
  /** Empties the index and moves to the next generation, as one step; returns it. */
  startNextGeneration(): Promise<number>;
  /**
   * Applies each update's `change`, in order, to the current entry once per generation and
   * message, all of them as one step: the record that a message was applied commits with the
   * entries, so a redelivered message changes nothing. The outcomes, in the same order.
   */
  update(updates: readonly IndexUpdate[]): Promise<IndexUpdateOutcome[]>;
  /**
   * Resolves once every update so far is on the disk: an update may answer before (a power
   * cut then loses it, and the message is delivered again, since the consumer's position is
   * recorded only after this).
   */
  durable(): Promise<void>;
  find(expedienteId: string): Promise<IndexedExpediente | null>;
  search(query: SearchQuery): Promise<SearchPage>;
}

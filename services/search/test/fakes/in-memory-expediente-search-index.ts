import {
  ExpedienteSearchIndex,
  IndexUpdate,
  IndexUpdateOutcome,
} from '../../src/domain/expediente-search-index';
import { IndexedExpediente } from '../../src/domain/indexed-expediente';
import { FoundExpediente, SearchPage, SearchQuery } from '../../src/domain/search';

/**
 * The index's bookkeeping (generations, applied messages, entries) in memory, for tests of the
 * application. Its search lists every findable entry and records the query it was asked.
 */
export class InMemoryExpedienteSearchIndex implements ExpedienteSearchIndex {
  readonly queries: SearchQuery[] = [];
  private generation = 1;
  private readonly entries = new Map<string, IndexedExpediente>();
  private readonly applied = new Set<string>();

  /** Kept in memory: always as durable as it gets. */
  async durable(): Promise<void> {}

  async currentGeneration(): Promise<number> {
    return this.generation;
  }

  async startNextGeneration(): Promise<number> {
    this.entries.clear();
    this.generation += 1;
    return this.generation;
  }

  async update(updates: readonly IndexUpdate[]): Promise<IndexUpdateOutcome[]> {
    return updates.map(({ generation, messageId, expedienteId, change }) => {
      if (generation !== this.generation) return 'stale';
      const key = `${generation}/${messageId}`;
      if (this.applied.has(key)) return 'duplicate';
      this.applied.add(key);
      const next = change(this.entries.get(expedienteId) ?? null);
      if (next) this.entries.set(expedienteId, next);
      else this.entries.delete(expedienteId);
      return 'applied';
    });
  }

  async find(expedienteId: string): Promise<IndexedExpediente | null> {
    return this.entries.get(expedienteId) ?? null;
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    this.queries.push(query);
    const found = [...this.entries.values()].filter(
      (entry): entry is FoundExpediente => entry.datos !== null,
    );
    return {
      hits: found.map((expediente) => ({ expediente, score: null })),
      total: found.length,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  get size(): number {
    return this.entries.size;
  }
}

import { Actor, ForbiddenError } from '@expedientes/shared-kernel';
import { indexConsumerGroup } from '../../domain/expediente-search-index';
import { SearchIndexer } from '../index-expedientes/search-indexer';

export interface RebuildStarted {
  readonly generation: number;
  /** The consumer group replaying the events into the emptied index. */
  readonly consumerGroup: string;
}

export const rebuildRole = 'admin';

/**
 * Empties the index and replays the events into it. Until the replay catches up, searches
 * find only what has been replayed so far.
 */
export class RebuildSearchIndex {
  constructor(private readonly indexer: SearchIndexer) {}

  async execute(actor: Actor): Promise<RebuildStarted> {
    if (!actor.roles.includes(rebuildRole)) {
      throw new ForbiddenError('Solo un administrador puede reconstruir el índice de búsqueda.', {
        requiredRole: rebuildRole,
      });
    }
    return this.run();
  }

  /** Without asking who: for the service's operators (the module's `rebuild`, tooling). */
  async run(): Promise<RebuildStarted> {
    const generation = await this.indexer.rebuild();
    return { generation, consumerGroup: indexConsumerGroup(generation) };
  }
}

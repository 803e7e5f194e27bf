import { Logger, MessageBus } from '@expedientes/shared-kernel';
import { ServiceMetrics, ServiceModule } from '@expedientes/shared-kernel/adapters/runtime';
import { MysqlDatabase, SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { Container } from 'inversify';
import { SearchIndexer } from './application/index-expedientes/search-indexer';
import {
  RebuildSearchIndex,
  RebuildStarted,
} from './application/rebuild-index/rebuild-search-index';
import { SearchExpedientes } from './application/search-expedientes/search-expedientes';
import { searchRouter } from './infrastructure/http/search-router';
import { EndpointCaller, SearchEndpoints } from './infrastructure/api/search-endpoints';
import { MysqlExpedienteSearchIndex } from './infrastructure/sql/mysql-expediente-search-index';
import { SqlExpedienteSearchIndex } from './infrastructure/sql/sql-expediente-search-index';
import { SqliteExpedienteSearchIndex } from './infrastructure/sql/sqlite-expediente-search-index';
import { tokens } from './infrastructure/tokens';

export type SearchInfrastructure =
  /** SQLite FTS5 in the host's `database`, which the host closes. */
  | {
      readonly kind: 'embedded';
      readonly database: SqlDatabase;
      readonly bus: MessageBus;
    }
  /** MySQL/MariaDB FULLTEXT in the database of `mysqlUrl`, which must exist. */
  | { readonly kind: 'distributed'; readonly bus: MessageBus; readonly mysqlUrl: string };

export interface SearchCommon {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly clock?: () => Date;
  readonly newId?: () => string;
}

export type { EndpointCaller, SearchEndpoints };

export interface SearchServiceModule extends ServiceModule {
  /** Its API for a caller in this process: what `api` serves over HTTP. */
  readonly endpoints: SearchEndpoints;
  /**
   * Empties the index and replays every integration event into it under a new consumer group.
   * Needs the event topics to keep their messages forever (the Kafka bus creates them so).
   */
  rebuild(): Promise<RebuildStarted>;
}

/** The store of the index, chosen by the kind of infrastructure. */
function bindStore(container: Container, infrastructure: SearchInfrastructure): void {
  if (infrastructure.kind === 'embedded') {
    container.bind<SqlDatabase>(tokens.Database).toConstantValue(infrastructure.database);
    container
      .bind<SqlExpedienteSearchIndex>(tokens.SearchIndex)
      .toDynamicValue((ctx) => new SqliteExpedienteSearchIndex(ctx.get(tokens.Database)))
      .inSingletonScope();
  } else {
    container
      .bind<SqlDatabase>(tokens.Database)
      .toConstantValue(new MysqlDatabase(infrastructure.mysqlUrl));
    container
      .bind<SqlExpedienteSearchIndex>(tokens.SearchIndex)
      .toDynamicValue((ctx) => new MysqlExpedienteSearchIndex(ctx.get(tokens.Database)))
      .inSingletonScope();
  }
}

/** The search service: its full-text index of expedientes, fed by the other services' events. */
export async function createSearchService(
  infrastructure: SearchInfrastructure,
  common: SearchCommon,
): Promise<SearchServiceModule> {
  const container = new Container();
  container.bind<Logger>(tokens.Logger).toConstantValue(common.logger);
  container.bind<ServiceMetrics>(tokens.Metrics).toConstantValue(common.metrics);
  container.bind<MessageBus>(tokens.MessageBus).toConstantValue(infrastructure.bus);
  bindStore(container, infrastructure);
  container
    .bind<SearchIndexer>(tokens.SearchIndexer)
    .toDynamicValue((ctx) => {
      const metrics = ctx.get<ServiceMetrics>(tokens.Metrics);
      return new SearchIndexer(
        ctx.get(tokens.MessageBus),
        ctx.get(tokens.SearchIndex),
        ctx.get<Logger>(tokens.Logger).child({ component: 'search-indexer' }),
        (event, topic, outcome) =>
          metrics.messagesHandled.inc({ topic, type: event.type, outcome }),
      );
    })
    .inSingletonScope();
  container
    .bind<SearchExpedientes>(tokens.SearchExpedientes)
    .toDynamicValue((ctx) => new SearchExpedientes(ctx.get(tokens.SearchIndex)))
    .inSingletonScope();
  container
    .bind<RebuildSearchIndex>(tokens.RebuildSearchIndex)
    .toDynamicValue((ctx) => new RebuildSearchIndex(ctx.get(tokens.SearchIndexer)))
    .inSingletonScope();

  const database = container.get<SqlDatabase>(tokens.Database);
  const indexer = container.get<SearchIndexer>(tokens.SearchIndexer);
  const rebuildSearchIndex = container.get<RebuildSearchIndex>(tokens.RebuildSearchIndex);
  // The embedded host's database is the host's to close.
  const closeOwnDatabase = (): Promise<void> =>
    infrastructure.kind === 'distributed' ? database.close() : Promise.resolve();
  try {
    await container.get<SqlExpedienteSearchIndex>(tokens.SearchIndex).migrate();
  } catch (error) {
    await closeOwnDatabase();
    throw error;
  }

  const endpoints = new SearchEndpoints(
    container.get(tokens.SearchExpedientes),
    rebuildSearchIndex,
  );
  return {
    name: 'search',
    api: searchRouter(endpoints),
    endpoints,
    readiness: [
      { name: 'database', check: () => database.ping() },
      {
        name: 'index-consumer',
        check: async () => {
          if (indexer.generation === undefined) {
            throw new Error('the index is not subscribed to the events');
          }
        },
      },
    ],
    start: () => indexer.start(),
    stop: async () => {
      await indexer.stop();
      await closeOwnDatabase();
    },
    rebuild: () => rebuildSearchIndex.run(),
  };
}

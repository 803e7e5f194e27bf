/** The inversify identifiers of the search service's composition root. */
export const tokens = {
  Logger: Symbol('Logger'),
  Metrics: Symbol('ServiceMetrics'),
  MessageBus: Symbol('MessageBus'),
  Database: Symbol('SqlDatabase'),
  SearchIndex: Symbol('SqlExpedienteSearchIndex'),
  SearchIndexer: Symbol('SearchIndexer'),
  SearchExpedientes: Symbol('SearchExpedientes'),
  RebuildSearchIndex: Symbol('RebuildSearchIndex'),
} as const;

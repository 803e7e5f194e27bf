// First: traces instrument the database drivers before anything loads them.
import '@expedientes/shared-kernel/adapters/tracing';
import { env, runDistributedService } from '@expedientes/shared-kernel/adapters/runtime';
import { createSearchService } from './composition-root';

/** The search service as its own process: Kafka, MySQL/MariaDB FULLTEXT, HTTP on PORT. */
runDistributedService({
  name: 'search',
  defaultPort: 3004,
  variables: { MYSQL_URL: env.url(['mysql']) },
  create: (config, { bus, logger, metrics }) =>
    createSearchService(
      { kind: 'distributed', bus, mysqlUrl: config.MYSQL_URL },
      { logger, metrics },
    ),
});

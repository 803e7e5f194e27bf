// First: traces instrument the database drivers before anything loads them.
import '@expedientes/shared-kernel/adapters/tracing';
import {
  env,
  loadConfig,
  runDistributedService,
} from '@expedientes/shared-kernel/adapters/runtime';
import { createDocumentsService } from './composition-root';
import { documentsSettingsSchema } from './infrastructure/config';

/** The documents context as its own process: Kafka, MongoDB and GridFS. */
runDistributedService({
  name: 'documents',
  defaultPort: 3002,
  variables: { MONGODB_URL: env.url(['mongodb', 'mongodb+srv']) },
  create: (config, { bus, logger, metrics }) =>
    createDocumentsService(
      { kind: 'distributed', bus, mongodbUrl: config.MONGODB_URL },
      { logger, metrics },
      loadConfig(documentsSettingsSchema),
    ),
});

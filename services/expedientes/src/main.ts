// First: traces instrument the database drivers before anything loads them.
import '@expedientes/shared-kernel/adapters/tracing';
import { runDistributedService } from '@expedientes/shared-kernel/adapters/runtime';
import { createExpedientesService } from './composition-root';
import {
  distributedStoresVariables,
  eventStoreConfigOf,
  expedientesSettingsSchema,
  settingsOf,
} from './infrastructure/config';

/**
 * expedientes as its own process: Kafka, the event store and saga state (EventStoreDB or MySQL,
 * as EVENT_STORE says), MongoDB for the read models, and the authorization server's keys.
 */
runDistributedService({
  name: 'expedientes',
  defaultPort: 3001,
  variables: { ...distributedStoresVariables, ...expedientesSettingsSchema.shape },
  create: (config, { bus, logger, metrics }) =>
    createExpedientesService(
      {
        kind: 'distributed',
        bus,
        eventStore: eventStoreConfigOf(config),
        mongodbUrl: config.MONGODB_URL,
      },
      { logger, metrics },
      settingsOf(config),
    ),
});

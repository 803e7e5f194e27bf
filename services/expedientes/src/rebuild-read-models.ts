import { Logger } from '@expedientes/shared-kernel';
import { openPlatformDatabase } from '@expedientes/shared-kernel/adapters/embedded';
import { createLogger, loadConfig, runMain } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { RebuildReadModels } from './application/rebuild-read-models/rebuild-read-models';
import {
  distributedStoresVariables,
  eventStoreConfigOf,
  loadExpedientesSettings,
} from './infrastructure/config';
import {
  ExpedientesStores,
  openDistributedStores,
  openEmbeddedStores,
} from './infrastructure/stores';

/**
 * Rebuilds the expedientes' list and detail views from the event history, as one command:
 *
 *   npm run rebuild-read-models -w services/expedientes
 *     distributed: EVENT_STORE, EVENTSTORE_URL or MYSQL_URL, MONGODB_URL
 *   DATA_DIR=./data npm run rebuild-read-models -w services/expedientes
 *     embedded: the platform's SQLite file under DATA_DIR
 *
 * Best run while the service is stopped; a running service does the same, pausing its own
 * projection meanwhile, at POST /admin/rebuild-read-models.
 */
async function openStores(logger: Logger): Promise<ExpedientesStores> {
  const { DATA_DIR } = loadConfig(z.object({ DATA_DIR: z.string().min(1).optional() }));
  if (DATA_DIR) {
    const database = openPlatformDatabase(DATA_DIR, { logger });
    const stores = await openEmbeddedStores({ database }, logger);
    return { ...stores, close: () => stores.close().then(() => database.close()) };
  }
  const config = loadConfig(z.object(distributedStoresVariables));
  return openDistributedStores(
    { eventStore: eventStoreConfigOf(config), mongodbUrl: config.MONGODB_URL },
    logger,
  );
}

runMain('rebuild-read-models', async () => {
  const logger = createLogger('expedientes-rebuild');
  const { rebuildHeldExpedientes } = loadExpedientesSettings();
  const stores = await openStores(logger);
  try {
    const rebuild = new RebuildReadModels(stores.eventStore, stores.readModels, logger, {
      heldAtMost: rebuildHeldExpedientes,
    });
    await rebuild.execute();
  } finally {
    await stores.close();
  }
});

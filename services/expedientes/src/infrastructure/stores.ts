import { describeError, EventStore, Logger, SagaStore } from '@expedientes/shared-kernel';
import {
  EventStoreDbEventStore,
  EventStoreDbSagaStore,
} from '@expedientes/shared-kernel/adapters/eventstoredb';
import { connectMongo, ensureIndexes } from '@expedientes/shared-kernel/adapters/mongodb';
import { ReadinessCheck } from '@expedientes/shared-kernel/adapters/runtime';
import {
  MysqlDatabase,
  SqlEventStore,
  SqliteDatabase,
  SqlEventStoreOptions,
  SqlSagaStore,
} from '@expedientes/shared-kernel/adapters/sql';
import { ExpedienteReadModels } from '../application/projections/read-models';
import { EventStoreConfig } from './config';
import {
  MongoExpedienteReadModels,
  readModelIndexes,
} from './read-models/mongo-expediente-read-models';
import { KnownViews } from './read-models/known-views';
import { SqliteExpedienteReadModels } from './read-models/sqlite-expediente-read-models';

/** Runs `work` as one transaction of the stores, where they can take one. */
export type Atomically = <T>(work: () => Promise<T>) => Promise<T>;

/** Where the service keeps its events, its sagas and its read models, opened and migrated. */
export interface ExpedientesStores {
  readonly eventStore: EventStore;
  readonly sagaStore: SagaStore;
  readonly readModels: ExpedienteReadModels;
  /**
   * Embedded (SQLite): `work`'s reads and writes of the stores in one transaction, queued
   * behind the others as a saga's handling of a reply is: two that load one expediente and
   * save it cannot both load it before either saves. Elsewhere `work` runs as it is.
   */
  readonly atomically: Atomically;
  readonly readiness: readonly ReadinessCheck[];
  /** Stops the event store's subscriptions, then closes every connection. */
  close(): Promise<void>;
}

/** A missing stream reads as empty: reading one tells whether the store answers. */
const READINESS_STREAM = 'expedientes-readiness';

/** Subscriptions retry on their own; the adapters cannot log, so they report here. */
const subscriptionSettings = (logger: Logger): SqlEventStoreOptions => ({
  onSubscriptionError: (error, subscriberId, event) =>
    logger.warn(
      { subscriberId, eventId: event?.id, streamId: event?.streamId, error: describeError(error) },
      'an event store subscription failed; it retries',
    ),
});

async function closeAll(closers: ReadonlyArray<() => Promise<unknown>>): Promise<void> {
  for (const close of closers) await close();
}

/** Embedded: the events, sagas and read models in the host's `database`, which the host closes. */
export async function openEmbeddedStores(
  { database }: { readonly database: SqliteDatabase },
  logger: Logger,
): Promise<ExpedientesStores> {
  const eventStore = await SqlEventStore.open(database, subscriptionSettings(logger));
  const sagaStore = new SqlSagaStore(database);
  await sagaStore.migrate();
  const readModels = new SqliteExpedienteReadModels(database);
  await readModels.migrate();
  return {
    eventStore,
    sagaStore,
    readModels: new KnownViews(readModels),
    atomically: (work) => database.together(work),
    readiness: [{ name: 'database', check: () => database.ping() }],
    close: () => eventStore.close(),
  };
}

export interface DistributedStoresConfig {
  readonly eventStore: EventStoreConfig;
  readonly mongodbUrl: string;
}

/** Distributed: events and sagas in EventStoreDB or MySQL, read models in MongoDB. */
export async function openDistributedStores(
  config: DistributedStoresConfig,
  logger: Logger,
): Promise<ExpedientesStores> {
  const writeSide = await openEventAndSagaStores(config.eventStore, logger);
  const mongo = await connectMongo(config.mongodbUrl, { appName: 'expedientes', logger });
  const db = mongo.db();
  await ensureIndexes(db, readModelIndexes);
  return {
    eventStore: writeSide.eventStore,
    sagaStore: writeSide.sagaStore,
    readModels: new KnownViews(new MongoExpedienteReadModels(db)),
    atomically: (work) => work(),
    readiness: [
      {
        name: 'event-store',
        check: async () => {
          await writeSide.eventStore.readStream(READINESS_STREAM);
        },
      },
      { name: 'read-models', check: () => mongo.ping() },
    ],
    close: () => closeAll([writeSide.close, () => mongo.close()]),
  };
}

async function openEventAndSagaStores(
  config: EventStoreConfig,
  logger: Logger,
): Promise<Pick<ExpedientesStores, 'eventStore' | 'sagaStore' | 'close'>> {
  if (config.kind === 'mysql') {
    await MysqlDatabase.ensureDatabase(config.url);
    const database = new MysqlDatabase(config.url);
    const eventStore = await SqlEventStore.open(database, subscriptionSettings(logger));
    const sagaStore = new SqlSagaStore(database);
    await sagaStore.migrate();
    return {
      eventStore,
      sagaStore,
      close: () => closeAll([() => eventStore.close(), () => database.close()]),
    };
  }
  const eventStore = EventStoreDbEventStore.connect(config.url, subscriptionSettings(logger));
  const sagaStore = await EventStoreDbSagaStore.open(config.url);
  return {
    eventStore,
    sagaStore,
    close: () => closeAll([() => eventStore.close(), () => sagaStore.close()]),
  };
}

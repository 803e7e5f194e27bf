import express from 'express';
import { BpmEndpoints, BpmModule, createBpmService } from '@expedientes/bpm';
import {
  createDocumentsService,
  DocumentsEndpoints,
  DocumentsModule,
} from '@expedientes/documents';
import {
  createExpedientesService,
  ExpedientesEndpoints,
  ExpedientesModule,
} from '@expedientes/expedientes';
import { createSearchService, SearchEndpoints, SearchServiceModule } from '@expedientes/search';
import { Logger, MessageBus, Outbox, publishedLanguage } from '@expedientes/shared-kernel';
import {
  EmbeddedMessageBus,
  openPlatformDatabase,
} from '@expedientes/shared-kernel/adapters/embedded';
import {
  ReadinessCheck,
  ServiceMetrics,
  ServiceModule,
} from '@expedientes/shared-kernel/adapters/runtime';
import {
  Durability,
  SqliteDatabase,
  TransactionExecutor,
} from '@expedientes/shared-kernel/adapters/sql';
import { answersOnceOnDisk } from './answers-once-on-disk';

/** Where bpm reads its working calendar, and the time zone its days are in. */
export interface PlazosOptions {
  readonly calendarioDir?: string;
  readonly zonaHoraria?: string;
}

export interface EmbeddedPlatformOptions {
  /** SQLite files and document content live here; the data survives restarts. */
  readonly dataDir: string;
  /** What each store's commit survives; `power-cut` when omitted. */
  readonly durability?: Durability;
  readonly plazos?: PlazosOptions;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}

/** Every service in this one process, talking through the durable embedded bus. */
export interface EmbeddedPlatform {
  readonly modules: readonly ServiceModule[];
  /** Each service's API under `/<service>`; the host puts authentication in front. */
  readonly api: express.Router;
  readonly readiness: readonly ReadinessCheck[];
  /** The bus the services talk through, for the gateway to listen to as well. */
  readonly bus: MessageBus;
  /**
   * Takes every commit so far to the disk (commits in the platform's file do not wait for it):
   * what an answer to a change waits for.
   */
  flush(): Promise<void>;
  /** The services' APIs, for the gateway to call in this process. */
  readonly expedientes: ExpedientesEndpoints;
  readonly documents: DocumentsEndpoints;
  readonly bpm: BpmEndpoints;
  readonly search: SearchEndpoints;
  stop(): Promise<void>;
}

type ServiceFactory<TModule extends ServiceModule> = (
  infrastructure: {
    kind: 'embedded';
    dataDir: string;
    /** The platform's file, which the bus and the services' stores share. */
    database: SqliteDatabase;
    /** The bus's own outbox on it: messages appended in the services' transactions. */
    outbox: Outbox<TransactionExecutor>;
    durability?: Durability;
    bus: MessageBus;
  } & PlazosOptions,
  common: { logger: Logger; metrics: ServiceMetrics },
) => Promise<TModule>;

export async function startEmbeddedPlatform(
  options: EmbeddedPlatformOptions,
): Promise<EmbeddedPlatform> {
  const { dataDir, durability } = options;
  const database = openPlatformDatabase(dataDir, { durability, logger: options.logger });
  const bus = await EmbeddedMessageBus.open(database, {
    registry: publishedLanguage(),
    logger: options.logger.child({ component: 'bus' }),
  }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const modules: ServiceModule[] = [];
  const stop = async (): Promise<void> => {
    for (const module of [...modules].reverse()) await module.stop();
    await bus.close();
    await database.close();
  };
  const start = async <TModule extends ServiceModule>(
    name: string,
    create: ServiceFactory<TModule>,
  ): Promise<TModule> => {
    const module = await create(
      {
        kind: 'embedded',
        dataDir,
        database,
        outbox: bus.outbox(),
        durability,
        bus,
        ...options.plazos,
      },
      // `service` is the process's own field; inside the one process, each bounded context says `context`.
      { logger: options.logger.child({ context: name }), metrics: options.metrics },
    );
    modules.push(module);
    await module.start();
    return module;
  };
  let documents: DocumentsModule;
  let bpm: BpmModule;
  let search: SearchServiceModule;
  let expedientes: ExpedientesModule;
  try {
    // Expedientes last: the participants of its sagas are up first.
    documents = await start('documents', createDocumentsService);
    bpm = await start('bpm', createBpmService);
    search = await start('search', createSearchService);
    expedientes = await start('expedientes', createExpedientesService);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  const api = express.Router();
  api.use(answersOnceOnDisk(database));
  for (const module of modules) api.use(`/${module.name}`, module.api);
  return {
    modules,
    api,
    readiness: modules.flatMap((module) =>
      module.readiness.map((check) => ({ ...check, name: `${module.name}.${check.name}` })),
    ),
    bus,
    expedientes: expedientes.endpoints,
    documents: documents.endpoints,
    bpm: bpm.endpoints,
    search: search.endpoints,
    flush: () => database.flush(),
    stop,
  };
}

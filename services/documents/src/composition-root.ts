import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Container } from 'inversify';
import {
  type Clock,
  EnvelopeFactory,
  type FileStore,
  type IdGenerator,
  type Logger,
  type MessageBus,
  type Outbox,
  publishedLanguage,
  systemClock,
} from '@expedientes/shared-kernel';
import { LocalFileStore } from '@expedientes/shared-kernel/adapters/files';
import {
  connectMongo,
  ensureIndexes,
  GridFsFileStore,
  MongoOutbox,
} from '@expedientes/shared-kernel/adapters/mongodb';
import type {
  ReadinessCheck,
  ServiceMetrics,
  ServiceModule,
} from '@expedientes/shared-kernel/adapters/runtime';
import {
  OutboxRelay,
  Durability,
  type SqlDatabase,
  SqlOutboxSource,
  type TransactionExecutor,
} from '@expedientes/shared-kernel/adapters/sql';
import { AlmacenDeContenidos } from './application/almacen-de-contenidos';
import { BarrerSubidasPendientes } from './application/barrer-subidas-pendientes/barrer-subidas-pendientes';
import { ConsultarDocumento } from './application/consultar-documento/consultar-documento';
import { DescargarContenido } from './application/descargar-contenido/descargar-contenido';
import type { DocumentoRepository } from './application/documento-repository';
import type { ExpedientesCerrados } from './application/expedientes-cerrados';
import { LiberarDocumentos } from './application/liberar-documentos/liberar-documentos';
import { MensajesDeDocumentos } from './application/mensajes';
import { RegistrarCierre } from './application/registrar-cierre/registrar-cierre';
import { RegistrarDocumentos } from './application/registrar-documentos/registrar-documentos';
import { SubirDocumento } from './application/subir-documento/subir-documento';
import { SubirVersion } from './application/subir-version/subir-version';
import { type DocumentsSettings, documentsSettings } from './infrastructure/config';
import { documentsRouter } from './infrastructure/http/documents-router';
import {
  ArchivoSubido,
  DocumentsEndpoints,
  EndpointCaller,
} from './infrastructure/api/documents-endpoints';
import { ComandosDeDocumentos } from './infrastructure/messaging/comandos-de-documentos';
import { MongoDocumentoRepository } from './infrastructure/persistence/mongo-documento-repository';
import { MongoExpedientesCerrados } from './infrastructure/persistence/mongo-expedientes-cerrados';
import {
  DOCUMENTS_OUTBOX,
  SqliteDocumentoRepository,
} from './infrastructure/persistence/sqlite-documento-repository';
import { SqliteExpedientesCerrados } from './infrastructure/persistence/sqlite-expedientes-cerrados';
import { TareaPeriodica } from './infrastructure/tarea-periodica';
import { TOKENS } from './infrastructure/tokens';

export type { ArchivoSubido, DocumentsEndpoints, EndpointCaller };

/** The module, with its API for a caller in this process: what `api` serves over HTTP. */
export interface DocumentsModule extends ServiceModule {
  readonly endpoints: DocumentsEndpoints;
}

export type DocumentsInfrastructure =
  /** Its tables in the host's SQLite `database`, content under `<dataDir>/documents/`. */
  | {
      readonly kind: 'embedded';
      readonly dataDir: string;
      readonly database: SqlDatabase;
      readonly durability?: Durability;
      readonly bus: MessageBus;
      /** The bus's own outbox on `database`: messages appended in each save's transaction. */
      readonly outbox: Outbox<TransactionExecutor>;
    }
  /** Metadata in MongoDB, content in its GridFS. */
  | { readonly kind: 'distributed'; readonly bus: MessageBus; readonly mongodbUrl: string };

export interface CommonDependencies {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly clock?: Clock;
  readonly newId?: IdGenerator;
}

/** The stores of one kind of infrastructure, and what their lifetime needs. */
interface Stores {
  readonly repository: DocumentoRepository;
  readonly cerrados: ExpedientesCerrados;
  readonly files: FileStore;
  readonly readiness: readonly ReadinessCheck[];
  start(): void;
  stop(): Promise<void>;
}

async function embeddedStores(
  {
    dataDir,
    database,
    durability,
    bus,
    outbox,
  }: Extract<DocumentsInfrastructure, { kind: 'embedded' }>,
  settings: DocumentsSettings,
  logger: Logger,
  clock: Clock,
): Promise<Stores> {
  // Publishes what earlier versions left in their outbox table.
  const relay = new OutboxRelay(new SqlOutboxSource(database, Date.now, DOCUMENTS_OUTBOX), bus, {
    logger: logger.child({ component: 'outbox' }),
  });
  const repository = await SqliteDocumentoRepository.open(database, outbox);
  const directory = join(dataDir, 'documents');
  return {
    repository,
    cerrados: await SqliteExpedientesCerrados.open(database),
    files: new LocalFileStore({ directory, maxBytes: settings.maxBytes, now: clock, durability }),
    readiness: [
      { name: 'sqlite', check: () => database.ping() },
      { name: 'files', check: () => access(directory, constants.W_OK) },
    ],
    start: () => relay.start(),
    // The host closes its database.
    stop: () => relay.stop(),
  };
}

async function distributedStores(
  { mongodbUrl, bus }: Extract<DocumentsInfrastructure, { kind: 'distributed' }>,
  settings: DocumentsSettings,
  logger: Logger,
): Promise<Stores> {
  const connection = await connectMongo(mongodbUrl, { appName: 'documents', logger });
  const db = connection.db();
  await ensureIndexes(db, MongoDocumentoRepository.indexes);
  const outbox = new MongoOutbox(db, publishedLanguage());
  const relay = new OutboxRelay(outbox, bus, {
    // A mark is a delete that FerretDB serves at about 1.5 CPU-ms: one every 100 ms at most.
    markDelayMs: 100,
    logger: logger.child({ component: 'outbox' }),
  });
  return {
    repository: new MongoDocumentoRepository(db, outbox, () => relay.nudge()),
    cerrados: new MongoExpedientesCerrados(db),
    files: new GridFsFileStore(db, { maxBytes: settings.maxBytes, bucketName: 'contenidos' }),
    readiness: [{ name: 'mongodb', check: () => connection.ping() }],
    start: () => relay.start(),
    stop: async () => {
      await relay.stop();
      await connection.close();
    },
  };
}

/**
 * The documents context: content and metadata of documents and their versions, the staged
 * uploads' sweeper, and its part in the OpenExpediente saga. One container, its ports bound to
 * the adapters of `infrastructure.kind`. Settings come from the environment unless given.
 */
export async function createDocumentsService(
  infrastructure: DocumentsInfrastructure,
  common: CommonDependencies,
  settings: DocumentsSettings = documentsSettings(),
): Promise<DocumentsModule> {
  const logger = common.logger;
  const clock = common.clock ?? systemClock;
  const stores =
    infrastructure.kind === 'embedded'
      ? await embeddedStores(infrastructure, settings, logger, clock)
      : await distributedStores(infrastructure, settings, logger);

  const container = new Container();
  container.bind(TOKENS.Clock).toConstantValue(clock);
  container.bind(TOKENS.NewId).toConstantValue(common.newId ?? randomUUID);
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container.bind(TOKENS.Metrics).toConstantValue(common.metrics);
  container.bind(TOKENS.MessageBus).toConstantValue(infrastructure.bus);
  container.bind(TOKENS.Settings).toConstantValue(settings);
  container.bind(TOKENS.DocumentoRepository).toConstantValue(stores.repository);
  container.bind(TOKENS.ExpedientesCerrados).toConstantValue(stores.cerrados);
  container.bind(TOKENS.FileStore).toConstantValue(stores.files);
  container
    .bind(TOKENS.AlmacenDeContenidos)
    .toDynamicValue(
      (ctx) => new AlmacenDeContenidos(ctx.get(TOKENS.FileStore), ctx.get(TOKENS.Logger)),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.MensajesDeDocumentos)
    .toDynamicValue(
      (ctx) =>
        new MensajesDeDocumentos(new EnvelopeFactory(ctx.get(TOKENS.NewId), ctx.get(TOKENS.Clock))),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.SubirDocumento)
    .toDynamicValue(
      (ctx) =>
        new SubirDocumento(
          ctx.get(TOKENS.DocumentoRepository),
          ctx.get(TOKENS.AlmacenDeContenidos),
          ctx.get(TOKENS.MensajesDeDocumentos),
          ctx.get(TOKENS.Clock),
          ctx.get(TOKENS.NewId),
        ),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.SubirVersion)
    .toDynamicValue(
      (ctx) =>
        new SubirVersion(
          ctx.get(TOKENS.DocumentoRepository),
          ctx.get(TOKENS.AlmacenDeContenidos),
          ctx.get(TOKENS.MensajesDeDocumentos),
          ctx.get(TOKENS.Clock),
          ctx.get(TOKENS.ExpedientesCerrados),
        ),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.ConsultarDocumento)
    .toDynamicValue((ctx) => new ConsultarDocumento(ctx.get(TOKENS.DocumentoRepository)))
    .inSingletonScope();
  container
    .bind(TOKENS.DescargarContenido)
    .toDynamicValue(
      (ctx) =>
        new DescargarContenido(
          ctx.get(TOKENS.DocumentoRepository),
          ctx.get(TOKENS.AlmacenDeContenidos),
        ),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.RegistrarDocumentos)
    .toDynamicValue(
      (ctx) =>
        new RegistrarDocumentos(
          ctx.get(TOKENS.DocumentoRepository),
          ctx.get(TOKENS.MensajesDeDocumentos),
          ctx.get(TOKENS.Clock),
        ),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.LiberarDocumentos)
    .toDynamicValue(
      (ctx) =>
        new LiberarDocumentos(
          ctx.get(TOKENS.DocumentoRepository),
          ctx.get(TOKENS.MensajesDeDocumentos),
          ctx.get(TOKENS.Clock),
        ),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.RegistrarCierre)
    .toDynamicValue(
      (ctx) => new RegistrarCierre(ctx.get(TOKENS.ExpedientesCerrados), ctx.get(TOKENS.Clock)),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.BarrerSubidasPendientes)
    .toDynamicValue(
      (ctx) =>
        new BarrerSubidasPendientes(
          ctx.get(TOKENS.DocumentoRepository),
          ctx.get(TOKENS.AlmacenDeContenidos),
          ctx.get(TOKENS.Clock),
          ctx.get<DocumentsSettings>(TOKENS.Settings).stagedUploadTtlMs,
        ),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.ComandosDeDocumentos)
    .toDynamicValue(
      (ctx) =>
        new ComandosDeDocumentos(
          ctx.get(TOKENS.MessageBus),
          ctx.get(TOKENS.RegistrarDocumentos),
          ctx.get(TOKENS.LiberarDocumentos),
          ctx.get(TOKENS.RegistrarCierre),
          ctx.get<Logger>(TOKENS.Logger).child({ component: 'saga-commands' }),
          ctx.get(TOKENS.Metrics),
        ),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.Barrido)
    .toDynamicValue((ctx) => {
      const barrer = ctx.get<BarrerSubidasPendientes>(TOKENS.BarrerSubidasPendientes);
      const sweepLogger = ctx
        .get<Logger>(TOKENS.Logger)
        .child({ component: 'staged-uploads-sweeper' });
      return new TareaPeriodica(
        'staged-uploads-sweeper',
        ctx.get<DocumentsSettings>(TOKENS.Settings).sweepIntervalMs,
        async () => {
          const removed = await barrer.ejecutar();
          if (removed > 0) sweepLogger.info({ removed }, 'staged uploads past their time removed');
        },
        sweepLogger,
      );
    })
    .inSingletonScope();

  const comandos = container.get<ComandosDeDocumentos>(TOKENS.ComandosDeDocumentos);
  const barrido = container.get<TareaPeriodica>(TOKENS.Barrido);
  const endpoints = new DocumentsEndpoints({
    subir: container.get(TOKENS.SubirDocumento),
    subirVersion: container.get(TOKENS.SubirVersion),
    consultar: container.get(TOKENS.ConsultarDocumento),
    descargar: container.get(TOKENS.DescargarContenido),
  });
  return {
    name: 'documents',
    api: documentsRouter(endpoints, settings.maxBytes),
    endpoints,
    readiness: [
      ...stores.readiness,
      {
        name: 'bus',
        check: async () => {
          if (!comandos.escuchando) throw new Error('not consuming documents.commands');
        },
      },
    ],
    async start() {
      stores.start();
      await comandos.start();
      barrido.start();
    },
    async stop() {
      await comandos.stop();
      await barrido.stop();
      await stores.stop();
    },
  };
}

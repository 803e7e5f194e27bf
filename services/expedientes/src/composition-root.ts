import { randomUUID } from 'node:crypto';
import { Container, ResolutionContext } from 'inversify';
import {
  Clock,
  describeError,
  EnvelopeFactory,
  IdGenerator,
  Logger,
  MessageBus,
  SagaOrchestrator,
  systemClock,
} from '@expedientes/shared-kernel';
import {
  sagaStepSpans,
  ServiceMetrics,
  ServiceModule,
} from '@expedientes/shared-kernel/adapters/runtime';
import type { SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { AdvancePhase } from './application/advance-phase/advance-phase';
import { advancePhaseSaga } from './application/advance-phase/advance-phase-saga';
import { AttachDocumento } from './application/attach-documento/attach-documento';
import { attachDocumentoSaga } from './application/attach-documento/attach-documento-saga';
import { AssignExpediente } from './application/assign-expediente/assign-expediente';
import { CommentExpediente } from './application/comment-expediente/comment-expediente';
import { EditDescripcion } from './application/edit-descripcion/edit-descripcion';
import { FollowProcess } from './application/follow-process/follow-process';
import { GetExpediente } from './application/get-expediente/get-expediente';
import { GetExpedienteHistory } from './application/get-history/get-history';
import { GetSaga } from './application/get-saga/get-saga';
import { PlazoALaVista } from './application/plazos/plazo-a-la-vista';
import { ListExpedientes } from './application/list-expedientes/list-expedientes';
import { OpenExpediente } from './application/open-expediente/open-expediente';
import { openExpedienteSaga } from './application/open-expediente/open-expediente-saga';
import { ExpedienteProjector } from './application/projections/expediente-projector';
import { RecordDocumentVersion } from './application/record-document-version/record-document-version';
import {
  RebuildReadModels,
  RebuildReport,
} from './application/rebuild-read-models/rebuild-read-models';
import { SagaDependencies } from './application/sagas/saga-dependencies';
import { SagaRunner, SagaWaiter } from './application/sagas/saga-runner';
import {
  EventStoreConfig,
  ExpedientesSettings,
  loadExpedientesSettings,
} from './infrastructure/config';
import { expedientesRouter } from './infrastructure/http/expedientes-router';
import { EndpointCaller, ExpedientesEndpoints } from './infrastructure/api/expedientes-endpoints';
import { BpmEventsConsumer } from './infrastructure/messaging/bpm-events-consumer';
import { DocumentEventsConsumer } from './infrastructure/messaging/document-events-consumer';
import { integrationEventRelay } from './infrastructure/messaging/integration-event-relay';
import { ReadModelProjection } from './infrastructure/messaging/read-model-projection';
import { SagaReplyConsumer } from './infrastructure/messaging/saga-reply-consumer';
import { StoreSubscription } from './infrastructure/messaging/store-subscription';
import { EventStoreExpedienteRepository } from './infrastructure/persistence/event-store-expediente-repository';
import { EventStoreRegistroDeCodigos } from './infrastructure/persistence/event-store-registro-de-codigos';
import {
  ExpedientesStores,
  openDistributedStores,
  openEmbeddedStores,
} from './infrastructure/stores';
import { TOKENS } from './tokens';

export type ExpedientesInfrastructure =
  | {
      readonly kind: 'embedded';
      /** The events, sagas and read models: the host's SQLite database, which the host closes. */
      readonly database: SqliteDatabase;
      readonly bus: MessageBus;
    }
  | {
      readonly kind: 'distributed';
      readonly bus: MessageBus;
      /** EventStoreDB (EVENTSTORE_URL) or MySQL (MYSQL_URL), as EVENT_STORE says. */
      readonly eventStore: EventStoreConfig;
      readonly mongodbUrl: string;
    };

export interface ExpedientesCommon {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly clock?: Clock;
  readonly newId?: IdGenerator;
}

// What a host (the embedded launcher, a test) needs besides the factory.
export type { EventStoreConfig, ExpedientesSettings, RebuildReport };
export type { EndpointCaller, ExpedientesEndpoints };
export { loadExpedientesSettings };

/** The module, plus the rebuild of its read models (also at POST /admin/rebuild-read-models). */
export interface ExpedientesModule extends ServiceModule {
  /** Its API for a caller in this process: what `api` serves over HTTP. */
  readonly endpoints: ExpedientesEndpoints;
  rebuildReadModels(): Promise<RebuildReport>;
}

function buildContainer(
  infrastructure: ExpedientesInfrastructure,
  common: ExpedientesCommon,
  settings: ExpedientesSettings,
  stores: ExpedientesStores,
): Container {
  const container = new Container();
  const constant = <T>(token: symbol, value: T): void => {
    container.bind<T>(token).toConstantValue(value);
  };
  const singleton = <T>(token: symbol, make: (ctx: ResolutionContext) => T): void => {
    container.bind<T>(token).toDynamicValue(make).inSingletonScope();
  };

  constant(TOKENS.logger, common.logger);
  constant(TOKENS.metrics, common.metrics);
  constant(TOKENS.clock, common.clock ?? systemClock);
  constant(TOKENS.newId, common.newId ?? randomUUID);
  constant(TOKENS.bus, infrastructure.bus);
  constant(TOKENS.settings, settings);
  constant(TOKENS.eventStore, stores.eventStore);
  constant(TOKENS.sagaStore, stores.sagaStore);
  constant(TOKENS.readModels, stores.readModels);

  singleton(
    TOKENS.expedientes,
    (ctx) => new EventStoreExpedienteRepository(ctx.get(TOKENS.eventStore), ctx.get(TOKENS.newId)),
  );
  singleton(
    TOKENS.codigos,
    (ctx) =>
      new EventStoreRegistroDeCodigos(
        ctx.get(TOKENS.eventStore),
        ctx.get(TOKENS.newId),
        ctx.get(TOKENS.clock),
      ),
  );

  // The sagas and their orchestrator.
  const sagaDependencies = (ctx: ResolutionContext): SagaDependencies => ({
    expedientes: ctx.get(TOKENS.expedientes),
    codigos: ctx.get(TOKENS.codigos),
    clock: ctx.get(TOKENS.clock),
    stepTimeoutMs: ctx.get<ExpedientesSettings>(TOKENS.settings).sagaStepTimeoutMs,
  });
  singleton(TOKENS.openExpedienteSaga, (ctx) => openExpedienteSaga(sagaDependencies(ctx)));
  singleton(TOKENS.advancePhaseSaga, (ctx) => advancePhaseSaga(sagaDependencies(ctx)));
  singleton(TOKENS.attachDocumentoSaga, (ctx) => attachDocumentoSaga(sagaDependencies(ctx)));
  singleton(
    TOKENS.orchestrator,
    (ctx) =>
      new SagaOrchestrator({
        definitions: [
          ctx.get(TOKENS.openExpedienteSaga),
          ctx.get(TOKENS.advancePhaseSaga),
          ctx.get(TOKENS.attachDocumentoSaga),
        ],
        store: ctx.get(TOKENS.sagaStore),
        publisher: ctx.get(TOKENS.bus),
        envelopes: new EnvelopeFactory(ctx.get(TOKENS.newId), ctx.get(TOKENS.clock)),
        newId: ctx.get(TOKENS.newId),
        clock: ctx.get(TOKENS.clock),
        logger: ctx.get<Logger>(TOKENS.logger).child({ component: 'sagas' }),
        runStep: sagaStepSpans,
        onCommitted: (saga) => ctx.get<SagaWaiter>(TOKENS.sagaWaiter).notify(saga),
      }),
  );
  singleton(TOKENS.sagaWaiter, (ctx) => new SagaWaiter(ctx.get(TOKENS.sagaStore)));
  singleton(
    TOKENS.sagaRunner,
    (ctx) =>
      new SagaRunner(
        ctx.get(TOKENS.orchestrator),
        ctx.get(TOKENS.sagaWaiter),
        ctx.get<ExpedientesSettings>(TOKENS.settings).sagaResponseWaitMs,
        ctx.get(TOKENS.newId),
      ),
  );

  // Commands.
  singleton(
    TOKENS.openExpediente,
    (ctx) =>
      new OpenExpediente(
        ctx.get(TOKENS.sagaRunner),
        ctx.get(TOKENS.openExpedienteSaga),
        ctx.get(TOKENS.expedientes),
        ctx.get(TOKENS.newId),
      ),
  );
  singleton(
    TOKENS.advancePhase,
    (ctx) =>
      new AdvancePhase(
        ctx.get(TOKENS.sagaRunner),
        ctx.get(TOKENS.advancePhaseSaga),
        ctx.get(TOKENS.expedientes),
      ),
  );
  singleton(
    TOKENS.attachDocumento,
    (ctx) =>
      new AttachDocumento(
        ctx.get(TOKENS.sagaRunner),
        ctx.get(TOKENS.attachDocumentoSaga),
        ctx.get(TOKENS.expedientes),
      ),
  );
  singleton(
    TOKENS.editDescripcion,
    (ctx) => new EditDescripcion(ctx.get(TOKENS.expedientes), ctx.get(TOKENS.clock)),
  );
  singleton(
    TOKENS.commentExpediente,
    (ctx) => new CommentExpediente(ctx.get(TOKENS.expedientes), ctx.get(TOKENS.clock)),
  );
  singleton(
    TOKENS.assignExpediente,
    (ctx) => new AssignExpediente(ctx.get(TOKENS.expedientes), ctx.get(TOKENS.clock)),
  );
  singleton(
    TOKENS.recordDocumentVersion,
    (ctx) =>
      new RecordDocumentVersion(
        ctx.get(TOKENS.expedientes),
        ctx.get(TOKENS.clock),
        ctx.get<Logger>(TOKENS.logger).child({ component: 'document-versions' }),
      ),
  );
  singleton(
    TOKENS.followProcess,
    (ctx) =>
      new FollowProcess(
        ctx.get(TOKENS.expedientes),
        ctx.get(TOKENS.clock),
        ctx.get<Logger>(TOKENS.logger).child({ component: 'bpm-phases' }),
      ),
  );

  // Queries and the read models.
  singleton(TOKENS.listExpedientes, (ctx) => new ListExpedientes(ctx.get(TOKENS.readModels)));
  singleton(
    TOKENS.getExpediente,
    (ctx) => new GetExpediente(ctx.get(TOKENS.readModels), ctx.get(TOKENS.eventStore)),
  );
  singleton(TOKENS.getHistory, (ctx) => new GetExpedienteHistory(ctx.get(TOKENS.eventStore)));
  singleton(TOKENS.getSaga, (ctx) => new GetSaga(ctx.get(TOKENS.sagaStore)));
  singleton(TOKENS.projector, (ctx) => new ExpedienteProjector(ctx.get(TOKENS.readModels)));
  singleton(
    TOKENS.rebuildReadModels,
    (ctx) =>
      new RebuildReadModels(
        ctx.get(TOKENS.eventStore),
        ctx.get(TOKENS.readModels),
        ctx.get<Logger>(TOKENS.logger).child({ component: 'read-model-rebuild' }),
        { heldAtMost: ctx.get<ExpedientesSettings>(TOKENS.settings).rebuildHeldExpedientes },
      ),
  );
  singleton(
    TOKENS.readModelProjection,
    (ctx) =>
      new ReadModelProjection(
        ctx.get(TOKENS.eventStore),
        ctx.get(TOKENS.projector),
        ctx.get(TOKENS.readModels),
        ctx.get(TOKENS.rebuildReadModels),
      ),
  );

  // Messaging.
  singleton(TOKENS.integrationEventRelay, (ctx) =>
    integrationEventRelay(ctx.get(TOKENS.eventStore), ctx.get(TOKENS.bus)),
  );
  singleton(
    TOKENS.sagaReplyConsumer,
    (ctx) =>
      new SagaReplyConsumer(
        ctx.get(TOKENS.bus),
        ctx.get(TOKENS.orchestrator),
        ctx.get(TOKENS.metrics),
      ),
  );
  singleton(
    TOKENS.documentEventsConsumer,
    (ctx) =>
      new DocumentEventsConsumer(
        ctx.get(TOKENS.bus),
        ctx.get(TOKENS.recordDocumentVersion),
        ctx.get(TOKENS.metrics),
      ),
  );
  singleton(
    TOKENS.bpmEventsConsumer,
    (ctx) =>
      new BpmEventsConsumer(
        ctx.get(TOKENS.bus),
        ctx.get(TOKENS.followProcess),
        ctx.get(TOKENS.metrics),
        stores.atomically,
      ),
  );

  singleton(TOKENS.endpoints, (ctx) => {
    const projection = ctx.get<ReadModelProjection>(TOKENS.readModelProjection);
    const settings = ctx.get<ExpedientesSettings>(TOKENS.settings);
    return new ExpedientesEndpoints(
      {
        openExpediente: ctx.get(TOKENS.openExpediente),
        editDescripcion: ctx.get(TOKENS.editDescripcion),
        commentExpediente: ctx.get(TOKENS.commentExpediente),
        assignExpediente: ctx.get(TOKENS.assignExpediente),
        advancePhase: ctx.get(TOKENS.advancePhase),
        attachDocumento: ctx.get(TOKENS.attachDocumento),
        listExpedientes: ctx.get(TOKENS.listExpedientes),
        getExpediente: ctx.get(TOKENS.getExpediente),
        getHistory: ctx.get(TOKENS.getHistory),
        getSaga: ctx.get(TOKENS.getSaga),
        rebuildReadModels: () => projection.rebuild(),
        plazos: new PlazoALaVista(
          ctx.get(TOKENS.clock),
          settings.zonaHoraria,
          settings.avisoDePlazoDias,
        ),
      },
      ctx.get(TOKENS.newId),
    );
  });
  singleton(TOKENS.api, (ctx) => expedientesRouter(ctx.get(TOKENS.endpoints)));
  return container;
}

/**
 * expedientes: the Expediente aggregate (event-sourced), the sagas that orchestrate documents
 * and bpm, and the list and detail read models. Opens and migrates its stores before it
 * returns; `start` resumes the sagas a previous run left and follows the event store.
 * `settings` come from the SAGA_* variables of the environment unless given.
 */
export async function createExpedientesService(
  infrastructure: ExpedientesInfrastructure,
  common: ExpedientesCommon,
  settings: ExpedientesSettings = loadExpedientesSettings(),
): Promise<ExpedientesModule> {
  const stores =
    infrastructure.kind === 'embedded'
      ? await openEmbeddedStores(infrastructure, common.logger)
      : await openDistributedStores(infrastructure, common.logger);
  const container = buildContainer(infrastructure, common, settings, stores);
  const orchestrator = container.get<SagaOrchestrator>(TOKENS.orchestrator);
  const replies = container.get<SagaReplyConsumer>(TOKENS.sagaReplyConsumer);
  const documentEvents = container.get<DocumentEventsConsumer>(TOKENS.documentEventsConsumer);
  const bpmEvents = container.get<BpmEventsConsumer>(TOKENS.bpmEventsConsumer);
  const projection = container.get<ReadModelProjection>(TOKENS.readModelProjection);
  const relay = container.get<StoreSubscription>(TOKENS.integrationEventRelay);
  let consuming = false;

  return {
    name: 'expedientes',
    api: container.get(TOKENS.api),
    endpoints: container.get(TOKENS.endpoints),
    readiness: [
      ...stores.readiness,
      {
        name: 'messaging',
        check: async () => {
          if (!consuming) throw new Error('not consuming the replies and events it follows');
        },
      },
    ],
    async start() {
      // Replies first: the sagas resumed next may be answered at once.
      await replies.start();
      // A saga that cannot move on now is left to its deadline or the next start.
      await orchestrator.resume().then(
        (resumed) => common.logger.info({ resumed }, 'resumed the sagas left running'),
        (error: unknown) =>
          common.logger.error({ error: describeError(error) }, 'some sagas could not resume'),
      );
      orchestrator.startTimeoutChecks(settings.sagaTimeoutCheckIntervalMs);
      await documentEvents.start();
      await bpmEvents.start();
      await projection.start();
      await relay.start();
      consuming = true;
    },
    async stop() {
      consuming = false;
      await orchestrator.stopTimeoutChecks();
      await replies.stop();
      await documentEvents.stop();
      await bpmEvents.stop();
      await projection.stop();
      await relay.stop();
      await stores.close();
    },
    rebuildReadModels: () => projection.rebuild(),
  };
}

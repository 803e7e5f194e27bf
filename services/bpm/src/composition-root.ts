import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Container, ResolutionContext } from 'inversify';
import {
  Clock,
  EnvelopeFactory,
  IdGenerator,
  Inbox,
  Logger,
  MessageBus,
  MessageRegistry,
  Outbox,
  publishedLanguage,
  systemClock,
} from '@expedientes/shared-kernel';
import { ServiceMetrics, ServiceModule } from '@expedientes/shared-kernel/adapters/runtime';
import {
  inboxMigrations,
  MysqlDatabase,
  OutboxRelay,
  SqlOutboxSource,
  outboxMigrations,
  SqlDatabase,
  SqlExecutor,
  TransactionExecutor,
  SqlInbox,
  SqlOutbox,
} from '@expedientes/shared-kernel/adapters/sql';
import { BpmMessages } from './application/bpm-messages';
import { CancelProcessHandler } from './application/cancel-process/cancel-process-handler';
import { CommandUnitOfWork } from './application/command-unit-of-work';
import { GetProcedureQuery } from './application/get-procedure/get-procedure-query';
import { PhasesWithTasksQuery } from './application/phases-with-tasks/phases-with-tasks-query';
import { GetProcessQuery } from './application/get-process/get-process-query';
import { ListProceduresQuery } from './application/list-procedures/list-procedures-query';
import { RequestTransitionHandler } from './application/request-transition/request-transition-handler';
import { StartProcessHandler } from './application/start-process/start-process-handler';
import { RecountPlazos } from './application/recount-plazos/recount-plazos';
import { CatalogoDeProcedimientos } from './domain/catalogo-de-procedimientos';
import { ReglaDePlazos } from './domain/regla-de-plazos';
import { ProcesoRepository } from './domain/proceso-repository';
import { bpmRouter } from './infrastructure/http/bpm-router';
import { BpmEndpoints, EndpointCaller } from './infrastructure/api/bpm-endpoints';
import {
  BpmCommandConsumer,
  commandsConsumerGroup,
} from './infrastructure/messaging/bpm-command-consumer';
import {
  CalendarioCargado,
  huellaDePlazos,
  loadCalendarFiles,
} from './infrastructure/calendario/calendar-files';
import { loadProcedureFiles } from './infrastructure/procedures/procedure-files';
import { bpmMigrations } from './infrastructure/sql/bpm-migrations';
import { SqlCommandUnitOfWork } from './infrastructure/sql/sql-command-unit-of-work';
import { SqlPlazosAbiertos } from './infrastructure/sql/sql-plazos-abiertos';
import { SqlProcesoRepository } from './infrastructure/sql/sql-proceso-repository';
import { TOKENS } from './tokens';

export type { BpmEndpoints, EndpointCaller };

/** The module, with its API for a caller in this process: what `api` serves over HTTP. */
export interface BpmModule extends ServiceModule {
  readonly endpoints: BpmEndpoints;
}

export type BpmInfrastructure = (
  | {
      readonly kind: 'embedded';
      /** bpm keeps its tables in the host's SQLite database, which the host closes. */
      readonly database: SqlDatabase;
      readonly bus: MessageBus;
      /** The bus's own outbox on `database`: messages appended in bpm's transactions. */
      readonly outbox: Outbox<TransactionExecutor>;
    }
  | { readonly kind: 'distributed'; readonly bus: MessageBus; readonly mysqlUrl: string }
) & {
  /** The procedure definitions; the service's own `procedures/` folder when omitted. */
  readonly procedimientosDir?: string;
  /** The working calendar, a file per year; the service's own `calendario/` folder when omitted. */
  readonly calendarioDir?: string;
  /** Where the administration's days begin and end (IANA name); Europe/Madrid when omitted. */
  readonly zonaHoraria?: string;
};

export interface BpmCommon {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly clock?: Clock;
  readonly newId?: IdGenerator;
}

/** services/bpm/procedures, from src/ (tests) as from dist/ (the built service). */
export const defaultProcedimientosDir = join(__dirname, '..', 'procedures');
/** services/bpm/calendario: Spain's national holidays, the years the release knows. */
export const defaultCalendarioDir = join(__dirname, '..', 'calendario');
export const DEFAULT_ZONA_HORARIA = 'Europe/Madrid';

function buildContainer(
  infrastructure: BpmInfrastructure,
  common: BpmCommon,
  catalogo: CatalogoDeProcedimientos,
  plazos: ReglaDePlazos,
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
  constant<MessageRegistry>(TOKENS.registry, publishedLanguage());
  constant(TOKENS.catalogo, catalogo);
  constant(TOKENS.plazos, plazos);

  singleton<SqlDatabase>(TOKENS.database, () =>
    infrastructure.kind === 'embedded'
      ? infrastructure.database
      : new MysqlDatabase(infrastructure.mysqlUrl),
  );
  const millis = (ctx: ResolutionContext) => () => ctx.get<Clock>(TOKENS.clock)().getTime();
  singleton<Inbox<SqlExecutor>>(TOKENS.inbox, (ctx) => new SqlInbox(millis(ctx)));
  singleton<Outbox<TransactionExecutor>>(TOKENS.outbox, (ctx) =>
    infrastructure.kind === 'embedded'
      ? infrastructure.outbox
      : new SqlOutbox(ctx.get(TOKENS.registry), millis(ctx)),
  );
  // Embedded: it only publishes what earlier versions left in the table.
  singleton(
    TOKENS.outboxRelay,
    (ctx) =>
      new OutboxRelay(
        new SqlOutboxSource(ctx.get(TOKENS.database), millis(ctx)),
        ctx.get(TOKENS.bus),
        {
          logger: ctx.get<Logger>(TOKENS.logger).child({ component: 'outbox-relay' }),
        },
      ),
  );
  singleton<CommandUnitOfWork>(TOKENS.unitOfWork, (ctx) => {
    const relay = ctx.get<OutboxRelay>(TOKENS.outboxRelay);
    return new SqlCommandUnitOfWork(
      ctx.get(TOKENS.database),
      ctx.get(TOKENS.catalogo),
      ctx.get(TOKENS.inbox),
      ctx.get(TOKENS.outbox),
      commandsConsumerGroup,
      // Embedded, the bus itself is the outbox: nothing waits for the relay.
      infrastructure.kind === 'distributed' ? () => relay.nudge() : () => undefined,
    );
  });
  singleton<ProcesoRepository>(
    TOKENS.procesos,
    (ctx) => new SqlProcesoRepository(ctx.get(TOKENS.database), ctx.get(TOKENS.catalogo)),
  );
  singleton(
    TOKENS.messages,
    (ctx) => new BpmMessages(new EnvelopeFactory(ctx.get(TOKENS.newId), ctx.get(TOKENS.clock))),
  );

  singleton(
    TOKENS.startProcess,
    (ctx) =>
      new StartProcessHandler(
        ctx.get(TOKENS.unitOfWork),
        ctx.get(TOKENS.catalogo),
        ctx.get(TOKENS.messages),
        ctx.get(TOKENS.clock),
        ctx.get(TOKENS.plazos),
      ),
  );
  singleton(
    TOKENS.requestTransition,
    (ctx) =>
      new RequestTransitionHandler(
        ctx.get(TOKENS.unitOfWork),
        ctx.get(TOKENS.messages),
        ctx.get(TOKENS.clock),
        ctx.get(TOKENS.plazos),
      ),
  );
  singleton(
    TOKENS.cancelProcess,
    (ctx) =>
      new CancelProcessHandler(
        ctx.get(TOKENS.unitOfWork),
        ctx.get(TOKENS.messages),
        ctx.get(TOKENS.clock),
      ),
  );
  singleton(TOKENS.getProcess, (ctx) => new GetProcessQuery(ctx.get(TOKENS.procesos)));
  singleton(TOKENS.plazosAbiertos, (ctx) => new SqlPlazosAbiertos(ctx.get(TOKENS.database)));
  singleton(
    TOKENS.recountPlazos,
    (ctx) =>
      new RecountPlazos(
        ctx.get(TOKENS.plazosAbiertos),
        ctx.get(TOKENS.unitOfWork),
        ctx.get(TOKENS.plazos),
        ctx.get(TOKENS.messages),
        ctx.get(TOKENS.clock),
        ctx.get<Logger>(TOKENS.logger),
      ),
  );
  singleton(TOKENS.listProcedures, (ctx) => new ListProceduresQuery(ctx.get(TOKENS.catalogo)));
  singleton(TOKENS.getProcedure, (ctx) => new GetProcedureQuery(ctx.get(TOKENS.catalogo)));
  singleton(TOKENS.phasesWithTasks, (ctx) => new PhasesWithTasksQuery(ctx.get(TOKENS.catalogo)));

  singleton(
    TOKENS.commandConsumer,
    (ctx) =>
      new BpmCommandConsumer(
        ctx.get(TOKENS.bus),
        {
          start: ctx.get(TOKENS.startProcess),
          transition: ctx.get(TOKENS.requestTransition),
          cancel: ctx.get(TOKENS.cancelProcess),
        },
        ctx.get(TOKENS.logger),
        ctx.get(TOKENS.metrics),
      ),
  );
  singleton(
    TOKENS.endpoints,
    (ctx) =>
      new BpmEndpoints({
        proceso: ctx.get(TOKENS.getProcess),
        procedimientos: ctx.get(TOKENS.listProcedures),
        procedimiento: ctx.get(TOKENS.getProcedure),
        fasesConTareas: ctx.get(TOKENS.phasesWithTasks),
      }),
  );
  singleton(TOKENS.api, (ctx) => bpmRouter(ctx.get(TOKENS.endpoints)));
  return container;
}

async function migrate(database: SqlDatabase): Promise<void> {
  await database.migrate('bpm', bpmMigrations);
  await database.migrate('inbox', inboxMigrations);
  await database.migrate('outbox', outboxMigrations);
}

/**
 * bpm, phase tracking: procedure definitions, a process per expediente and its phase history.
 * Loads and checks the procedure definitions and brings the database schema up to date before
 * it returns; `start` then takes commands and publishes what they committed.
 */
export async function createBpmService(
  infrastructure: BpmInfrastructure,
  common: BpmCommon,
): Promise<BpmModule> {
  const procedimientos = await loadProcedureFiles(
    infrastructure.procedimientosDir ?? defaultProcedimientosDir,
  );
  const catalogo = new CatalogoDeProcedimientos(procedimientos);
  common.logger.info(
    { procedimientos: procedimientos.map(({ codigo, version }) => `${codigo} v${version}`) },
    'procedure definitions loaded',
  );
  const calendario = await loadCalendar(infrastructure, common);
  const zonaHoraria = zonaHorariaDe(infrastructure);
  const plazos = new ReglaDePlazos(calendario.calendario, zonaHoraria);
  const huella = huellaDePlazos(calendario, zonaHoraria);
  const container = buildContainer(infrastructure, common, catalogo, plazos);
  const database = container.get<SqlDatabase>(TOKENS.database);
  // The embedded host's database is the host's to close.
  const closeOwnDatabase = (): Promise<void> =>
    infrastructure.kind === 'distributed' ? database.close() : Promise.resolve();
  try {
    await migrate(database);
    await container.get<RecountPlazos>(TOKENS.recountPlazos).execute(huella);
  } catch (error) {
    await closeOwnDatabase();
    throw error;
  }
  const plazosAbiertos = container.get<SqlPlazosAbiertos>(TOKENS.plazosAbiertos);
  const clock = container.get<Clock>(TOKENS.clock);
  common.metrics.observed(
    'expedientes_plazo_vencido',
    'Expedientes whose phase plazo has ended, by phase code',
    'fase',
    () => plazosAbiertos.vencidosPorFase(plazos.hoy(clock())),
  );
  const relay = container.get<OutboxRelay>(TOKENS.outboxRelay);
  const consumer = container.get<BpmCommandConsumer>(TOKENS.commandConsumer);
  return {
    name: 'bpm',
    api: container.get(TOKENS.api),
    endpoints: container.get(TOKENS.endpoints),
    readiness: [
      { name: 'database', check: () => database.ping() },
      {
        name: 'commands',
        check: async () => {
          if (!consumer.consuming) throw new Error(`not consuming ${commandsConsumerGroup}`);
        },
      },
    ],
    async start() {
      relay.start();
      await consumer.start();
    },
    async stop() {
      await consumer.stop();
      await relay.stop();
      await closeOwnDatabase();
    },
  };
}

function zonaHorariaDe(infrastructure: BpmInfrastructure): string {
  const zona = infrastructure.zonaHoraria ?? DEFAULT_ZONA_HORARIA;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zona });
  } catch {
    throw new Error(`unknown time zone ${zona}: an IANA name such as Europe/Madrid`);
  }
  return zona;
}

/** The working calendar; years it lacks count weekends only, which the log says. */
async function loadCalendar(
  infrastructure: BpmInfrastructure,
  common: BpmCommon,
): Promise<CalendarioCargado> {
  const cargado = await loadCalendarFiles(infrastructure.calendarioDir ?? defaultCalendarioDir);
  const anio = (common.clock ?? systemClock)().getUTCFullYear();
  const faltan = [anio, anio + 1].filter((each) => !cargado.anios.includes(each));
  if (faltan.length > 0) {
    common.logger.warn(
      { faltan },
      'the working calendar has no file for these years: their plazos skip weekends only',
    );
  }
  common.logger.info({ anios: cargado.anios }, 'working calendar loaded');
  return cargado;
}

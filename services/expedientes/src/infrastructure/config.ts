import { ConfigurationError, env, loadConfig } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';

function esZonaHoraria(zona: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zona });
    return true;
  } catch {
    return false;
  }
}

/** How the expedientes sagas behave, in either mode; read from the environment. */
export const expedientesSettingsSchema = z.object({
  /** Deadline of every command a saga sends before it compensates (or resends a compensation);
   *  longer than a restart plus a Kafka consumer-group failover. */
  SAGA_STEP_TIMEOUT_MS: env.positiveInt(60_000),
  /** How long POST /expedientes and POST .../transitions wait for their saga before a 202. */
  SAGA_RESPONSE_WAIT_MS: env.positiveInt(10_000),
  /** How often the sagas' deadlines are checked. */
  SAGA_TIMEOUT_CHECK_INTERVAL_MS: env.positiveInt(1_000),
  /** Where the administration's days begin and end: the day a plazo is near or past. */
  TIME_ZONE: z
    .string()
    .refine(esZonaHoraria, 'an IANA time zone, such as Europe/Madrid')
    .default('Europe/Madrid'),
  /** A plazo with this many days left (its last day included) or fewer is flagged as near. */
  DEADLINE_WARNING_DAYS: env.positiveInt(3),
  /** Expedientes whose views a read-model rebuild holds in memory (see HeldViews). */
  READ_MODEL_REBUILD_HELD: env.positiveInt(20_000),
});

export interface ExpedientesSettings {
  readonly sagaStepTimeoutMs: number;
  readonly sagaResponseWaitMs: number;
  readonly sagaTimeoutCheckIntervalMs: number;
  readonly zonaHoraria: string;
  readonly avisoDePlazoDias: number;
  readonly rebuildHeldExpedientes: number;
}

export const settingsOf = (
  config: z.infer<typeof expedientesSettingsSchema>,
): ExpedientesSettings => ({
  sagaStepTimeoutMs: config.SAGA_STEP_TIMEOUT_MS,
  sagaResponseWaitMs: config.SAGA_RESPONSE_WAIT_MS,
  sagaTimeoutCheckIntervalMs: config.SAGA_TIMEOUT_CHECK_INTERVAL_MS,
  zonaHoraria: config.TIME_ZONE,
  avisoDePlazoDias: config.DEADLINE_WARNING_DAYS,
  rebuildHeldExpedientes: config.READ_MODEL_REBUILD_HELD,
});

/** The settings from `environment` (for the embedded launcher too); a ConfigurationError lists what is wrong. */
export const loadExpedientesSettings = (
  environment: Record<string, string | undefined> = process.env,
): ExpedientesSettings => settingsOf(loadConfig(expedientesSettingsSchema, environment));

/** Where the event store and saga state live in the distributed mode. */
export type EventStoreConfig =
  | { readonly kind: 'eventstoredb'; readonly url: string }
  | { readonly kind: 'mysql'; readonly url: string };

/** The stores of the distributed mode (EVENT_STORE picks the event store's technology). */
export const distributedStoresVariables = {
  EVENT_STORE: z.enum(['eventstoredb', 'mysql']).default('eventstoredb'),
  EVENTSTORE_URL: env.url(['esdb', 'esdb+discover']).optional(),
  MYSQL_URL: env.url(['mysql']).optional(),
  MONGODB_URL: env.url(['mongodb', 'mongodb+srv']),
};

type DistributedStoresConfig = z.infer<z.ZodObject<typeof distributedStoresVariables>>;

/** The event store EVENT_STORE names; a ConfigurationError when its URL is missing. */
export function eventStoreConfigOf(config: DistributedStoresConfig): EventStoreConfig {
  const [kind, url, variable] =
    config.EVENT_STORE === 'mysql'
      ? (['mysql', config.MYSQL_URL, 'MYSQL_URL'] as const)
      : (['eventstoredb', config.EVENTSTORE_URL, 'EVENTSTORE_URL'] as const);
  if (!url) {
    throw new ConfigurationError([
      `${variable} is required when EVENT_STORE=${config.EVENT_STORE}`,
    ]);
  }
  return { kind, url };
}

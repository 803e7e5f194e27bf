import { ConfigurationError } from '@expedientes/shared-kernel/adapters/runtime';
import { eventStoreConfigOf, loadExpedientesSettings } from '../../src/infrastructure/config';

const defaults = {
  sagaStepTimeoutMs: 60_000,
  sagaResponseWaitMs: 10_000,
  sagaTimeoutCheckIntervalMs: 1_000,
  zonaHoraria: 'Europe/Madrid',
  avisoDePlazoDias: 3,
  rebuildHeldExpedientes: 20_000,
};

describe('the configuration', () => {
  const stores = {
    MONGODB_URL: 'mongodb://db/expedientes',
    EVENTSTORE_URL: undefined,
    MYSQL_URL: undefined,
  };

  it('picks the event store EVENT_STORE names, and needs its URL', () => {
    expect(
      eventStoreConfigOf({ ...stores, EVENT_STORE: 'mysql', MYSQL_URL: 'mysql://u:p@db/e' }),
    ).toEqual({ kind: 'mysql', url: 'mysql://u:p@db/e' });
    expect(
      eventStoreConfigOf({
        ...stores,
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_URL: 'esdb://es:2113',
      }),
    ).toEqual({ kind: 'eventstoredb', url: 'esdb://es:2113' });
    expect(() => eventStoreConfigOf({ ...stores, EVENT_STORE: 'mysql' })).toThrow(
      new ConfigurationError(['MYSQL_URL is required when EVENT_STORE=mysql']),
    );
  });

  it('reads the saga settings, with their defaults', () => {
    expect(loadExpedientesSettings({})).toEqual(defaults);
    expect(
      loadExpedientesSettings({ SAGA_STEP_TIMEOUT_MS: '5000', SAGA_RESPONSE_WAIT_MS: '200' }),
    ).toEqual({ ...defaults, sagaStepTimeoutMs: 5_000, sagaResponseWaitMs: 200 });
    expect(() => loadExpedientesSettings({ SAGA_RESPONSE_WAIT_MS: 'pronto' })).toThrow(
      /SAGA_RESPONSE_WAIT_MS/,
    );
  });

  it('reads where the days of the plazos begin and end, and refuses a zone that does not exist', () => {
    expect(
      loadExpedientesSettings({ TIME_ZONE: 'Atlantic/Canary', DEADLINE_WARNING_DAYS: '5' }),
    ).toEqual({ ...defaults, zonaHoraria: 'Atlantic/Canary', avisoDePlazoDias: 5 });
    expect(() => loadExpedientesSettings({ TIME_ZONE: 'Europa/Teruel' })).toThrow(/TIME_ZONE/);
  });

  it('reads how many expedientes a read-model rebuild holds in memory', () => {
    expect(loadExpedientesSettings({ READ_MODEL_REBUILD_HELD: '5000' })).toEqual({
      ...defaults,
      rebuildHeldExpedientes: 5_000,
    });
    expect(() => loadExpedientesSettings({ READ_MODEL_REBUILD_HELD: '0' })).toThrow(
      /READ_MODEL_REBUILD_HELD/,
    );
  });
});

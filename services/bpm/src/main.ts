// First: traces instrument the database drivers before anything loads them.
import '@expedientes/shared-kernel/adapters/tracing';
import { z } from 'zod';
import { env, runDistributedService } from '@expedientes/shared-kernel/adapters/runtime';
import { createBpmService } from './composition-root';

/** bpm as its own process: MySQL, Kafka, and the authorization server's keys. */
runDistributedService({
  name: 'bpm',
  defaultPort: 3003,
  variables: {
    MYSQL_URL: env.url(['mysql']),
    /** Optional: the procedure definitions, when not the ones shipped with the service. */
    BPM_PROCEDURES_DIR: z.string().min(1).optional(),
    /** Optional: the working calendar (a file per year), when not the one shipped. */
    BPM_CALENDAR_DIR: z.string().min(1).optional(),
    TIME_ZONE: z.string().min(1).optional(),
  },
  create: (config, { bus, logger, metrics }) =>
    createBpmService(
      {
        kind: 'distributed',
        bus,
        mysqlUrl: config.MYSQL_URL,
        procedimientosDir: config.BPM_PROCEDURES_DIR,
        calendarioDir: config.BPM_CALENDAR_DIR,
        zonaHoraria: config.TIME_ZONE,
      },
      { logger, metrics },
    ),
});

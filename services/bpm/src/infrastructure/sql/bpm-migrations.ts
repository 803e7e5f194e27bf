import { Migration } from '@expedientes/shared-kernel/adapters/sql';

/**
 * The processes and their phase history. Times are epoch milliseconds in both dialects; phases
 * are stored by code and named from the procedure version the process follows.
 */
export const bpmMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'processes and their phase history',
    up: {
      mysql: [
        `CREATE TABLE bpm_procesos (
          expediente_id VARCHAR(191) NOT NULL PRIMARY KEY,
          saga_id VARCHAR(191) NOT NULL,
          procedimiento VARCHAR(100) NOT NULL,
          procedimiento_version INT NOT NULL,
          estado VARCHAR(20) NOT NULL,
          revision INT NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
        `CREATE TABLE bpm_historial (
          expediente_id VARCHAR(191) NOT NULL,
          orden INT NOT NULL,
          fase VARCHAR(100) NOT NULL,
          entrada_at BIGINT NOT NULL,
          entrada_por VARCHAR(191) NOT NULL,
          salida_at BIGINT NULL,
          salida_por VARCHAR(191) NULL,
          PRIMARY KEY (expediente_id, orden),
          CONSTRAINT bpm_historial_proceso FOREIGN KEY (expediente_id)
            REFERENCES bpm_procesos (expediente_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      ],
      sqlite: [
        `CREATE TABLE bpm_procesos (
          expediente_id TEXT NOT NULL PRIMARY KEY,
          saga_id TEXT NOT NULL,
          procedimiento TEXT NOT NULL,
          procedimiento_version INTEGER NOT NULL,
          estado TEXT NOT NULL,
          revision INTEGER NOT NULL
        )`,
        `CREATE TABLE bpm_historial (
          expediente_id TEXT NOT NULL REFERENCES bpm_procesos (expediente_id),
          orden INTEGER NOT NULL,
          fase TEXT NOT NULL,
          entrada_at INTEGER NOT NULL,
          entrada_por TEXT NOT NULL,
          salida_at INTEGER,
          salida_por TEXT,
          PRIMARY KEY (expediente_id, orden)
        )`,
      ],
    },
  },
  {
    version: 2,
    name: 'plazos: the last day of each stay, and the calendar they were counted on',
    up: {
      mysql: [
        'ALTER TABLE bpm_historial ADD COLUMN vencimiento CHAR(10) NULL',
        `CREATE TABLE bpm_calendario (
          id INT NOT NULL PRIMARY KEY,
          huella CHAR(64) NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      ],
      sqlite: [
        'ALTER TABLE bpm_historial ADD COLUMN vencimiento TEXT',
        'CREATE TABLE bpm_calendario (id INTEGER NOT NULL PRIMARY KEY, huella TEXT NOT NULL)',
      ],
    },
  },
  {
    version: 3,
    name: "SQLite: each process's stays together, in their key",
    up: {
      // InnoDB keeps a table in its primary key already.
      mysql: [],
      // A transition closes one stay and opens the next: in a table by rowid, on the page the
      // closed one was written to, the table's last page and a page of the key; in the key
      // alone, on the one page both are next to each other on.
      sqlite: [
        `CREATE TABLE bpm_historial_by_key (
          expediente_id TEXT NOT NULL REFERENCES bpm_procesos (expediente_id),
          orden INTEGER NOT NULL,
          fase TEXT NOT NULL,
          entrada_at INTEGER NOT NULL,
          entrada_por TEXT NOT NULL,
          salida_at INTEGER,
          salida_por TEXT,
          vencimiento TEXT,
          PRIMARY KEY (expediente_id, orden)
        ) WITHOUT ROWID`,
        `INSERT INTO bpm_historial_by_key
           (expediente_id, orden, fase, entrada_at, entrada_por, salida_at, salida_por, vencimiento)
         SELECT expediente_id, orden, fase, entrada_at, entrada_por, salida_at, salida_por,
                vencimiento
         FROM bpm_historial`,
        'DROP TABLE bpm_historial',
        'ALTER TABLE bpm_historial_by_key RENAME TO bpm_historial',
      ],
    },
  },
];

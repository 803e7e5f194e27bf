import { Migration } from '@expedientes/shared-kernel/adapters/sql';

/** The gateway's own tables; times in epoch milliseconds. */
export const gatewayMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'browser sessions',
    up: {
      mysql: [
        `CREATE TABLE gateway_sessions (
          sid VARCHAR(128) NOT NULL PRIMARY KEY,
          data MEDIUMTEXT NOT NULL,
          expires_at BIGINT NOT NULL,
          INDEX gateway_sessions_expiry (expires_at)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      ],
      sqlite: [
        `CREATE TABLE gateway_sessions (
          sid TEXT NOT NULL PRIMARY KEY,
          data TEXT NOT NULL,
          expires_at INTEGER NOT NULL
        )`,
        'CREATE INDEX gateway_sessions_expiry ON gateway_sessions (expires_at)',
      ],
    },
  },
  {
    version: 2,
    name: 'refresh token claims',
    up: {
      mysql: [
        `CREATE TABLE gateway_refresh_claims (
          token_hash CHAR(64) NOT NULL PRIMARY KEY,
          claimed_at BIGINT NOT NULL,
          INDEX gateway_refresh_claims_age (claimed_at)
        ) ENGINE=InnoDB`,
      ],
      sqlite: [
        `CREATE TABLE gateway_refresh_claims (
          token_hash TEXT NOT NULL PRIMARY KEY,
          claimed_at INTEGER NOT NULL
        )`,
        'CREATE INDEX gateway_refresh_claims_age ON gateway_refresh_claims (claimed_at)',
      ],
    },
  },
];

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
  {
    version: 3,
    name: 'idempotency keys',
    up: {
      mysql: [
        `CREATE TABLE gateway_idempotency_keys (
          caller VARCHAR(255) NOT NULL,
          idempotency_key VARCHAR(255) NOT NULL,
          fingerprint CHAR(64) NOT NULL,
          started_at BIGINT NOT NULL,
          answer MEDIUMTEXT,
          expires_at BIGINT NOT NULL,
          PRIMARY KEY (caller, idempotency_key),
          INDEX gateway_idempotency_keys_expiry (expires_at)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
      ],
      sqlite: [
        `CREATE TABLE gateway_idempotency_keys (
          caller TEXT NOT NULL,
          idempotency_key TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          answer TEXT,
          expires_at INTEGER NOT NULL,
          PRIMARY KEY (caller, idempotency_key)
        )`,
        'CREATE INDEX gateway_idempotency_keys_expiry ON gateway_idempotency_keys (expires_at)',
      ],
    },
  },
];

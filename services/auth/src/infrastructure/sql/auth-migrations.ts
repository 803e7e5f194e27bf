import { Migration } from '@expedientes/shared-kernel/adapters/sql';

/**
 * The users with their roles (and whether their password is a provisional one), what the OpenID provider keeps between requests (sessions,
 * interactions, grants, codes, refresh tokens), so a restart logs nobody out, and the sign-in
 * attempts of each username and address, which every replica counts. Times are epoch
 * milliseconds in both dialects.
 */
export const authMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'users and their roles',
    up: {
      mysql: [
        `CREATE TABLE auth_usuarios (
          username VARCHAR(64) NOT NULL PRIMARY KEY,
          nombre VARCHAR(200) NOT NULL,
          password_hash VARCHAR(255) NOT NULL,
          activo BOOLEAN NOT NULL,
          creado_at BIGINT NOT NULL,
          revision INT NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
        `CREATE TABLE auth_usuario_roles (
          username VARCHAR(64) NOT NULL,
          rol VARCHAR(32) NOT NULL,
          PRIMARY KEY (username, rol),
          CONSTRAINT auth_usuario_roles_usuario FOREIGN KEY (username)
            REFERENCES auth_usuarios (username)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      ],
      sqlite: [
        `CREATE TABLE auth_usuarios (
          username TEXT NOT NULL PRIMARY KEY,
          nombre TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          activo INTEGER NOT NULL,
          creado_at INTEGER NOT NULL,
          revision INTEGER NOT NULL
        )`,
        `CREATE TABLE auth_usuario_roles (
          username TEXT NOT NULL REFERENCES auth_usuarios (username),
          rol TEXT NOT NULL,
          PRIMARY KEY (username, rol)
        )`,
      ],
    },
  },
  {
    version: 2,
    name: 'openid provider storage',
    up: {
      mysql: [
        `CREATE TABLE auth_oidc_models (
          model VARCHAR(64) NOT NULL,
          id VARCHAR(191) NOT NULL,
          payload MEDIUMTEXT NOT NULL,
          grant_id VARCHAR(191) NULL,
          uid VARCHAR(191) NULL,
          user_code VARCHAR(191) NULL,
          expires_at BIGINT NULL,
          consumed_at BIGINT NULL,
          PRIMARY KEY (model, id),
          KEY auth_oidc_models_grant (grant_id),
          KEY auth_oidc_models_uid (model, uid),
          KEY auth_oidc_models_user_code (model, user_code),
          KEY auth_oidc_models_expiry (expires_at)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      ],
      sqlite: [
        `CREATE TABLE auth_oidc_models (
          model TEXT NOT NULL,
          id TEXT NOT NULL,
          payload TEXT NOT NULL,
          grant_id TEXT,
          uid TEXT,
          user_code TEXT,
          expires_at INTEGER,
          consumed_at INTEGER,
          PRIMARY KEY (model, id)
        )`,
        'CREATE INDEX auth_oidc_models_grant ON auth_oidc_models (grant_id)',
        'CREATE INDEX auth_oidc_models_uid ON auth_oidc_models (model, uid)',
        'CREATE INDEX auth_oidc_models_user_code ON auth_oidc_models (model, user_code)',
        'CREATE INDEX auth_oidc_models_expiry ON auth_oidc_models (expires_at)',
      ],
    },
  },
  {
    version: 3,
    name: 'sign-in attempts',
    up: {
      mysql: [
        `CREATE TABLE auth_intentos_de_acceso (
          clave VARCHAR(191) NOT NULL PRIMARY KEY,
          fallos INT NOT NULL,
          desde BIGINT NOT NULL,
          bloqueado_hasta BIGINT NOT NULL,
          bloqueos INT NOT NULL,
          ultimo BIGINT NOT NULL,
          KEY auth_intentos_de_acceso_ultimo (ultimo)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      ],
      sqlite: [
        `CREATE TABLE auth_intentos_de_acceso (
          clave TEXT NOT NULL PRIMARY KEY,
          fallos INTEGER NOT NULL,
          desde INTEGER NOT NULL,
          bloqueado_hasta INTEGER NOT NULL,
          bloqueos INTEGER NOT NULL,
          ultimo INTEGER NOT NULL
        )`,
        'CREATE INDEX auth_intentos_de_acceso_ultimo ON auth_intentos_de_acceso (ultimo)',
      ],
    },
  },
  {
    version: 4,
    name: 'provisional passwords',
    up: {
      mysql: [
        `ALTER TABLE auth_usuarios
          ADD COLUMN debe_cambiar_contrasena BOOLEAN NOT NULL DEFAULT FALSE`,
      ],
      sqlite: [
        `ALTER TABLE auth_usuarios
          ADD COLUMN debe_cambiar_contrasena INTEGER NOT NULL DEFAULT 0`,
      ],
    },
  },
  {
    version: 5,
    name: 'since when the credentials hold',
    up: {
      mysql: ['ALTER TABLE auth_usuarios ADD COLUMN credenciales_desde BIGINT NULL'],
      sqlite: ['ALTER TABLE auth_usuarios ADD COLUMN credenciales_desde INTEGER NULL'],
    },
  },
];

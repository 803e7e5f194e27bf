import { join } from 'node:path';
import { Container, ResolutionContext } from 'inversify';
import { Clock, Logger, systemClock } from '@expedientes/shared-kernel';
import { ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import {
  MysqlDatabase,
  SqlDatabase,
  Durability,
  SqliteDatabase,
} from '@expedientes/shared-kernel/adapters/sql';
import { AssignRolesHandler } from './application/assign-roles/assign-roles-handler';
import { AuthenticateHandler } from './application/authenticate/authenticate-handler';
import { LoginThrottle } from './application/authenticate/login-throttle';
import { BootstrapFirstAdminHandler } from './application/bootstrap-first-admin/bootstrap-first-admin-handler';
import { ChangeOwnPasswordHandler } from './application/change-own-password/change-own-password-handler';
import { CreateUserHandler } from './application/create-user/create-user-handler';
import { FindActiveUserQuery } from './application/find-active-user/find-active-user-query';
import { ListUsersQuery } from './application/list-users/list-users-query';
import { ResetPasswordHandler } from './application/reset-password/reset-password-handler';
import { SetUserEnabledHandler } from './application/set-user-enabled/set-user-enabled-handler';
import { UserAccessFeed } from './infrastructure/access/user-access-feed';
import { AuthServiceModule } from './auth-service-module';
import { AuthSettings } from './config';
import { OLVIDO_MS, RegistroDeIntentos } from './domain/intentos-de-acceso';
import { PasswordHasher } from './domain/password-hasher';
import { UsuarioRepository } from './domain/usuario-repository';
import {
  generatePassword,
  ScryptPasswordHasher,
} from './infrastructure/crypto/scrypt-password-hasher';
import { usersRouter } from './infrastructure/http/users-router';
import {
  loadOrCreateKeys,
  ProviderKeys,
  publicKeySet,
  SigningKey,
} from './infrastructure/keys/provider-keys';
import {
  AuthorizationServer,
  createAuthorizationServer,
} from './infrastructure/oidc/authorization-server';
import { authMigrations } from './infrastructure/sql/auth-migrations';
import { SqlOidcStorage } from './infrastructure/sql/sql-oidc-storage';
import { SqlRegistroDeIntentos } from './infrastructure/sql/sql-registro-de-intentos';
import { SqlUsuarioRepository } from './infrastructure/sql/sql-usuario-repository';
import { TOKENS } from './tokens';

export { createAuthHttpApp } from './auth-http-app';
export type { AuthServiceModule } from './auth-service-module';
export { authSettingsFrom, authVariables } from './config';
export type { AuthSettings, AuthVariables } from './config';
export type { GatewayClient, MachineClient } from './infrastructure/oidc/authorization-server';
export {
  generateCookieKey,
  generateSigningKey,
  parseSigningKeys,
} from './infrastructure/keys/provider-keys';
export type { SigningKey } from './infrastructure/keys/provider-keys';

export type AuthInfrastructure =
  | {
      readonly kind: 'embedded';
      /** auth keeps `auth.db` (SQLite) and `auth-keys.json` (its keys, generated once) here. */
      readonly dataDir: string;
      readonly durability?: Durability;
    }
  | {
      readonly kind: 'distributed';
      readonly mysqlUrl: string;
      /** Private JWKs (AUTH_SIGNING_KEYS): the first signs, all verify. */
      readonly signingKeys: readonly SigningKey[];
      /** Cookie signing secrets (AUTH_COOKIE_KEYS), newest first. */
      readonly cookieKeys: readonly string[];
    };

export interface AuthCommon {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly clock?: Clock;
}

export const defaultIssuer = 'http://localhost:8080/auth';

function buildContainer(
  infrastructure: AuthInfrastructure,
  common: AuthCommon,
  settings: AuthSettings,
): Container {
  const container = new Container();
  const constant = <T>(token: symbol, value: T): void => {
    container.bind<T>(token).toConstantValue(value);
  };
  const singleton = <T>(token: symbol, make: (ctx: ResolutionContext) => T): void => {
    container.bind<T>(token).toDynamicValue(make).inSingletonScope();
  };

  constant(TOKENS.logger, common.logger);
  constant(TOKENS.clock, common.clock ?? systemClock);
  singleton<SqlDatabase>(TOKENS.database, () =>
    infrastructure.kind === 'embedded'
      ? new SqliteDatabase(join(infrastructure.dataDir, 'auth.db'), {
          durability: infrastructure.durability,
        })
      : new MysqlDatabase(infrastructure.mysqlUrl),
  );
  singleton<ProviderKeys>(TOKENS.keys, () =>
    infrastructure.kind === 'embedded' ? loadOrCreateKeys(infrastructure.dataDir) : infrastructure,
  );
  singleton<UsuarioRepository>(
    TOKENS.usuarios,
    (ctx) => new SqlUsuarioRepository(ctx.get(TOKENS.database)),
  );
  singleton<PasswordHasher>(TOKENS.hasher, () => new ScryptPasswordHasher());
  singleton(TOKENS.oidcStorage, (ctx) => {
    const clock = ctx.get<Clock>(TOKENS.clock);
    return new SqlOidcStorage(ctx.get(TOKENS.database), () => clock().getTime());
  });

  singleton(
    TOKENS.createUser,
    (ctx) =>
      new CreateUserHandler(
        ctx.get(TOKENS.usuarios),
        ctx.get(TOKENS.hasher),
        ctx.get(TOKENS.clock),
      ),
  );
  singleton(TOKENS.assignRoles, (ctx) => new AssignRolesHandler(ctx.get(TOKENS.usuarios)));
  singleton(TOKENS.accessFeed, () => new UserAccessFeed());
  singleton(
    TOKENS.setUserEnabled,
    (ctx) => new SetUserEnabledHandler(ctx.get(TOKENS.usuarios), ctx.get(TOKENS.accessFeed)),
  );
  singleton(
    TOKENS.resetPassword,
    (ctx) =>
      new ResetPasswordHandler(
        ctx.get(TOKENS.usuarios),
        ctx.get(TOKENS.hasher),
        ctx.get(TOKENS.clock),
      ),
  );
  singleton<RegistroDeIntentos>(
    TOKENS.loginAttempts,
    (ctx) => new SqlRegistroDeIntentos(ctx.get(TOKENS.database)),
  );
  singleton(TOKENS.loginThrottle, (ctx) => {
    const { maxFailures = 5, maxFailuresPerAddress = 30, lockMinutes = 15 } = settings.login ?? {};
    const ventanaMs = lockMinutes * 60_000;
    return new LoginThrottle(
      ctx.get(TOKENS.loginAttempts),
      {
        porUsuario: { fallos: maxFailures, ventanaMs },
        porDireccion: { fallos: maxFailuresPerAddress, ventanaMs },
      },
      ctx.get(TOKENS.clock),
    );
  });
  singleton(
    TOKENS.authenticate,
    (ctx) =>
      new AuthenticateHandler(
        ctx.get(TOKENS.usuarios),
        ctx.get(TOKENS.hasher),
        ctx.get(TOKENS.loginThrottle),
      ),
  );
  singleton(
    TOKENS.changeOwnPassword,
    (ctx) =>
      new ChangeOwnPasswordHandler(
        ctx.get(TOKENS.usuarios),
        ctx.get(TOKENS.hasher),
        ctx.get(TOKENS.authenticate),
      ),
  );
  singleton(TOKENS.listUsers, (ctx) => new ListUsersQuery(ctx.get(TOKENS.usuarios)));
  singleton(TOKENS.findActiveUser, (ctx) => new FindActiveUserQuery(ctx.get(TOKENS.usuarios)));
  singleton(
    TOKENS.bootstrapFirstAdmin,
    (ctx) =>
      new BootstrapFirstAdminHandler(
        ctx.get(TOKENS.usuarios),
        ctx.get(TOKENS.hasher),
        ctx.get(TOKENS.clock),
        generatePassword,
      ),
  );

  singleton<AuthorizationServer>(TOKENS.authorizationServer, (ctx) =>
    createAuthorizationServer({
      issuer: settings.issuer,
      audience: settings.audience ?? 'expedientes-api',
      keys: ctx.get(TOKENS.keys),
      storage: ctx.get(TOKENS.oidcStorage),
      gateway: settings.gateway && {
        clientId: 'gateway',
        postLogoutRedirectUris: [],
        ...settings.gateway,
      },
      machineClients: settings.machineClients ?? [],
      accessTokenTtlSeconds: settings.accessTokenTtlSeconds ?? 900,
      refreshTokenTtlSeconds: settings.refreshTokenTtlSeconds ?? 8 * 60 * 60,
      trustProxy: settings.trustProxy ?? false,
      users: {
        authenticate: ctx.get(TOKENS.authenticate),
        changeOwnPassword: ctx.get(TOKENS.changeOwnPassword),
        findActive: ctx.get(TOKENS.findActiveUser),
      },
      clientThrottle: ctx.get(TOKENS.loginThrottle),
      logger: ctx.get(TOKENS.logger),
    }),
  );
  singleton(TOKENS.api, (ctx) =>
    usersRouter({
      list: ctx.get(TOKENS.listUsers),
      create: ctx.get(TOKENS.createUser),
      assignRoles: ctx.get(TOKENS.assignRoles),
      setEnabled: ctx.get(TOKENS.setUserEnabled),
      resetPassword: ctx.get(TOKENS.resetPassword),
    }),
  );
  return container;
}

/** Creates the first administrator when there is none, and says once what its password is. */
async function ensureAnAdministrator(
  container: Container,
  settings: AuthSettings,
  logger: Logger,
): Promise<void> {
  const outcome = await container
    .get<BootstrapFirstAdminHandler>(TOKENS.bootstrapFirstAdmin)
    .handle({
      username: settings.firstAdmin?.username ?? 'admin',
      password: settings.firstAdmin?.password,
    });
  if (!outcome.creado) return;
  if (outcome.passwordGenerada === undefined) {
    logger.warn(
      { username: outcome.username },
      'first administrator created with the configured password',
    );
    return;
  }
  // The only copy of this password: shown once, at the first start, then never again.
  logger.warn(
    { username: outcome.username, password: outcome.passwordGenerada },
    'FIRST ADMINISTRATOR CREATED with a generated password, shown only this once: ' +
      'sign in and keep it safe (or set AUTH_ADMIN_PASSWORD before the first start)',
  );
}

/**
 * Expired sessions, codes and tokens, and forgotten sign-in attempts, are removed this often;
 * they are never used anyway.
 */
const sweepIntervalMs = 10 * 60 * 1000;

/**
 * auth, the OAuth2 / OpenID Connect authorization server: users with their roles, the login
 * page, and the tokens the services verify. Brings the database schema up to date and makes
 * sure an administrator exists before it returns; the host mounts
 * `authorizationServer.handler` at `authorizationServer.mountPath`, and `api` (user
 * management, administrators only) behind its authentication.
 */
export async function createAuthService(
  infrastructure: AuthInfrastructure,
  common: AuthCommon,
  settings: AuthSettings = { issuer: defaultIssuer },
): Promise<AuthServiceModule> {
  const container = buildContainer(infrastructure, common, settings);
  const database = container.get<SqlDatabase>(TOKENS.database);
  try {
    await database.migrate('auth', authMigrations);
    await ensureAnAdministrator(container, settings, common.logger);
  } catch (error) {
    await database.close();
    throw error;
  }
  const server = container.get<AuthorizationServer>(TOKENS.authorizationServer);
  const storage = container.get<SqlOidcStorage>(TOKENS.oidcStorage);
  const attempts = container.get<RegistroDeIntentos>(TOKENS.loginAttempts);
  const clock = container.get<Clock>(TOKENS.clock);
  const accessFeed = container.get<UserAccessFeed>(TOKENS.accessFeed);
  const users = container.get<ListUsersQuery>(TOKENS.listUsers);
  let sweeper: NodeJS.Timeout | undefined;
  return {
    name: 'auth',
    api: container.get(TOKENS.api),
    readiness: [{ name: 'database', check: () => database.ping() }],
    authorizationServer: {
      ...server,
      audience: settings.audience ?? 'expedientes-api',
      publicKeys: publicKeySet(container.get<ProviderKeys>(TOKENS.keys).signingKeys),
    },
    access: {
      disabled: async () =>
        (await users.handle()).filter((usuario) => !usuario.activo).map(({ username }) => username),
      onAccessChanged: (listener) => accessFeed.onAccessChanged(listener),
    },
    async start() {
      sweeper = setInterval(() => {
        storage.sweepExpired().catch((error: unknown) => {
          common.logger.warn({ error: String(error) }, 'could not remove expired sessions');
        });
        attempts.olvidarAnterioresA(clock().getTime() - OLVIDO_MS).catch((error: unknown) => {
          common.logger.warn({ error: String(error) }, 'could not forget old sign-in attempts');
        });
      }, sweepIntervalMs);
      sweeper.unref();
    },
    async stop() {
      clearInterval(sweeper);
      await database.close();
    },
  };
}

import { ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import {
  AuthServiceModule,
  AuthVariables,
  authSettingsFrom,
  createAuthService,
} from '@expedientes/auth';
import { IdentityVerifier, Logger } from '@expedientes/shared-kernel';
import {
  appServer,
  createServiceHttpApp,
  JwtIdentityVerifier,
  problem,
  ReadinessCheck,
  ServiceMetrics,
  Stoppable,
  stopServer,
} from '@expedientes/shared-kernel/adapters/runtime';
import { Durability, SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { httpBackends } from '../adapters/http/http-backends';
import { inProcessTransport } from '../adapters/http/in-process-transport';
import { inProcessBackends } from '../adapters/in-process/in-process-backends';
import { SqlIdempotencyRecords } from '../adapters/sql/sql-idempotency-records';
import { AccountAccess } from '../ports/account-access';
import { EmbeddedAccountAccess } from './embedded-account-access';
import {
  BusExpedienteChanges,
  liveUpdatesGroup,
} from '../adapters/messaging/bus-expediente-changes';
import { GatewaySettings, issuerOf, publicUrlOf } from '../config';
import { createGateway, Gateway } from '../gateway-app';
import { BrowserLogin, createBrowserLogin } from '../login/browser-login';
import { gatewayClientUris } from '../login/login-routes';
import { bearerStrategy } from '../security/authentication';
import { defaultFrontendDir, staticWebUi } from '../web-ui/static-web-ui';
import { EmbeddedSecrets, loadOrCreateSecrets } from './embedded-secrets';
import { EmbeddedPlatform, PlazosOptions, startEmbeddedPlatform } from './embedded-platform';

/** Where the in-process services' internal API answers on the same server. */
export const INTERNAL_PATH = '/internal';
/** The base of the gateway's own calls to that API, which never leave the process. */
const IN_PROCESS = 'http://in-process';

/** Who signs the tokens the platform accepts. */
export type EmbeddedAuthentication =
  /**
   * The authorization server in this process (`npm start`), at /auth: everything here checks
   * tokens with its keys, and browsers sign in through it at /login.
   */
  | { readonly kind: 'embedded'; readonly variables: AuthVariables }
  /**
   * An issuer elsewhere; bearer tokens only. For tests inside jest, where oidc-provider
   * cannot be loaded.
   */
  | { readonly kind: 'external'; readonly identity: IdentityVerifier };

export interface EmbeddedGatewayOptions {
  readonly dataDir: string;
  /** What every store under `dataDir` promises of a commit; `power-cut` when omitted. */
  readonly durability?: Durability;
  /** bpm's working calendar and time zone; the ones it ships with when omitted. */
  readonly plazos?: PlazosOptions;
  /** 0 for any free port. */
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly auth: EmbeddedAuthentication;
  readonly settings: GatewaySettings;
}

export interface EmbeddedGateway {
  /** Where this process answers, on this machine. */
  readonly url: string;
  readonly port: number;
  /** Where browsers reach it (PUBLIC_URL): the issuer is `<publicUrl>/auth`. */
  readonly publicUrl: string;
  readonly platform: EmbeddedPlatform;
  readonly gateway: Gateway;
  /** Every store and service the process needs, for the operators' readiness. */
  readonly readiness: readonly ReadinessCheck[];
  /**
   * The services' internal API (and auth's user management) as one handler, each call
   * authenticated by its token: what the gateway calls in process. Not on the public port;
   * the embedded process serves it on the operators' one, under INTERNAL_PATH.
   */
  readonly internalApi: express.Express;
  /** Stops taking requests, lets those in flight finish, then stops the services. */
  stop(): Promise<void>;
}

/** What answers while the services start: the server listens first, to know its own port. */
function starting(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
  res.end(
    JSON.stringify(
      problem(503, 'La plataforma está arrancando', {
        title: 'Service Unavailable',
        code: 'PLATFORM.STARTING',
      }),
    ),
  );
}

const prefixed = (prefix: string, checks: readonly ReadinessCheck[]): ReadinessCheck[] =>
  checks.map((check) => ({ ...check, name: `${prefix}.${check.name}` }));

/**
 * The whole platform in one process behind one HTTP server: the authorization server at
 * /auth, and the gateway with the browser login in front of the services' internal API (and
 * auth's user management), which it calls in this process, without a socket; each call is
 * still authenticated by its token, so both modes run one code path. That API is not on this
 * server: `internalApi` is for the operators' port.
 */
export async function startEmbeddedGateway(
  options: EmbeddedGatewayOptions,
): Promise<EmbeddedGateway> {
  const { logger, metrics, dataDir, durability, settings, plazos } = options;
  const { server, serve } = appServer((_req, res) => starting(res));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => {
      server.off('error', fail);
      done();
    });
  });
  const { port } = server.address() as AddressInfo;
  const publicUrl = publicUrlOf(settings, port);
  const internal = `http://127.0.0.1:${port}`;
  // Stopped in the reverse order of starting, once the server takes no more requests.
  const started: Stoppable[] = [];
  let gateway: Gateway | undefined;
  const stop = async (): Promise<void> => {
    gateway?.liveUpdates.close();
    await stopServer(server)();
    for (const each of [...started].reverse()) await each();
  };

  try {
    const { identity, access, embedded } = await authenticationOf(options, publicUrl, started);
    const auth = embedded?.module;

    const platform = await startEmbeddedPlatform({
      dataDir,
      durability,
      plazos,
      logger,
      metrics,
    });
    started.push(() => platform.stop());
    const changes = new BusExpedienteChanges(platform.bus, liveUpdatesGroup('embedded'), logger);
    await changes.start();
    started.push(() => changes.stop());

    const database = new SqliteDatabase(join(dataDir, 'gateway.db'), { durability });
    started.push(() => database.close());
    const login =
      embedded &&
      (await startBrowserLogin(
        embedded,
        { database, publicUrl, internal, identity, logger },
        started,
      ));
    const idempotency = await SqlIdempotencyRecords.open(database, settings.idempotency);

    const readiness = [
      ...platform.readiness,
      ...prefixed('auth', auth?.readiness ?? []),
      ...prefixed('gateway', login?.readiness ?? []),
    ];
    const internalApi = express.Router();
    internalApi.use(platform.api);
    if (auth) internalApi.use(`/${auth.name}`, auth.api);
    const services = createServiceHttpApp({
      service: 'expedientes-platform',
      logger,
      metrics,
      readiness,
      identity,
      api: internalApi,
      // On the operators' port (OPS_PORT), not under the public /internal.
      operations: false,
    });
    gateway = createGateway({
      logger,
      metrics,
      readiness,
      backends: inProcessBackends(
        platform,
        identity,
        settings.backendTimeoutMs,
        platform.flush,
        // The rest of the internal API, reached in this process rather than through the server's port.
        httpBackends(
          {
            expedientes: `${IN_PROCESS}/expedientes`,
            documents: `${IN_PROCESS}/documents`,
            bpm: `${IN_PROCESS}/bpm`,
            search: `${IN_PROCESS}/search`,
            auth: auth && `${IN_PROCESS}/${auth.name}`,
          },
          settings.backendTimeoutMs,
          inProcessTransport(services),
        ),
      ),
      strategies: [
        ['bearer', bearerStrategy(identity)],
        ...(login ? [['session', login.strategy] as const] : []),
      ],
      browserLogin: login,
      accountAccess: access,
      limits: settings.limits,
      corsOrigins: settings.corsOrigins,
      trustProxy: settings.trustProxy,
      changes,
      idempotency,
      webUi: staticWebUi(settings.frontendDir ?? defaultFrontendDir, logger),
      publicUrl,
    });

    if (auth) {
      // Before any body parser: the provider reads its requests itself.
      const { mountPath, handler } = auth.authorizationServer;
      const host = express();
      host.disable('x-powered-by');
      host.use(mountPath, handler);
      host.use(gateway.app);
      serve(gateway.app, { path: mountPath, listener: host });
    } else {
      serve(gateway.app);
    }
    return {
      url: internal,
      port,
      publicUrl,
      platform,
      gateway,
      readiness,
      internalApi: services,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

interface EmbeddedAuth {
  readonly module: AuthServiceModule;
  readonly secrets: EmbeddedSecrets;
  /** Sessions last as long as the refresh tokens that keep them going. */
  readonly sessionIdleSeconds: number;
}

/**
 * Who checks the tokens: for an embedded authorization server, its own keys. Its issuer is
 * `<publicUrl>/auth`, and the gateway is its client, sent back to `<publicUrl>/login/callback`.
 */
async function authenticationOf(
  options: EmbeddedGatewayOptions,
  publicUrl: string,
  started: Stoppable[],
): Promise<{ identity: IdentityVerifier; access?: AccountAccess; embedded?: EmbeddedAuth }> {
  if (options.auth.kind === 'external') return { identity: options.auth.identity };
  const { variables } = options.auth;
  const secrets = loadOrCreateSecrets(options.dataDir, {
    gatewayClientSecret: variables.AUTH_GATEWAY_CLIENT_SECRET,
    sessionSecret: options.settings.sessionSecret,
  });
  // The gateway client is this process's own: its secret and addresses are set here.
  const settings = authSettingsFrom(issuerOf(publicUrl), {
    ...variables,
    AUTH_GATEWAY_CLIENT_SECRET: undefined,
  });
  const { redirectUri, postLogoutRedirectUri } = gatewayClientUris(publicUrl);
  const module = await createAuthService(
    { kind: 'embedded', dataDir: options.dataDir, durability: options.durability },
    { logger: options.logger.child({ context: 'auth' }), metrics: options.metrics },
    {
      ...settings,
      // Behind the same proxy as the gateway: TRUST_PROXY says so for both.
      trustProxy: settings.trustProxy || Boolean(options.settings.trustProxy),
      gateway: {
        clientSecret: secrets.gatewayClientSecret,
        redirectUris: [redirectUri],
        postLogoutRedirectUris: [postLogoutRedirectUri],
      },
    },
  );
  started.push(() => module.stop());
  await module.start();
  const { authorizationServer } = module;
  // Told at once of a user disabled here: their tokens stop working before they expire.
  const access = await EmbeddedAccountAccess.of(module.access);
  return {
    identity: access.verifying(
      new JwtIdentityVerifier({
        issuer: authorizationServer.issuer,
        audience: authorizationServer.audience,
        keys: authorizationServer.publicKeys,
      }),
    ),
    access,
    embedded: { module, secrets, sessionIdleSeconds: variables.REFRESH_TOKEN_TTL_SECONDS },
  };
}

/** The browser login, its sessions in the gateway's database. */
async function startBrowserLogin(
  embedded: EmbeddedAuth,
  where: {
    database: SqliteDatabase;
    publicUrl: string;
    internal: string;
    identity: IdentityVerifier;
    logger: Logger;
  },
  started: Stoppable[],
): Promise<BrowserLogin> {
  const login = await createBrowserLogin({
    publicUrl: where.publicUrl,
    provider: { issuer: embedded.module.authorizationServer.issuer, internalUrl: where.internal },
    clientSecret: embedded.secrets.gatewayClientSecret,
    identity: where.identity,
    sessionSecret: embedded.secrets.sessionSecret,
    database: where.database,
    sessionIdleSeconds: embedded.sessionIdleSeconds,
    logger: where.logger,
  });
  started.push(() => login.stop());
  return login;
}

import express, { NextFunction, Request, Response } from 'express';
import type {
  AccessToken,
  ClientCredentials,
  ClientMetadata,
  Configuration,
  KoaContextWithOIDC,
  default as Provider,
} from 'oidc-provider' with { 'resolution-mode': 'import' };
import { describeError, Logger } from '@expedientes/shared-kernel';
import { authorizationServerSecurityHeaders } from '@expedientes/shared-kernel/adapters/runtime';
import { LoginThrottle } from '../../application/authenticate/login-throttle';
import { clientSecretBrake } from './client-secret-brake';
import { FindActiveUserQuery } from '../../application/find-active-user/find-active-user-query';
import { ProviderKeys } from '../keys/provider-keys';
import { SqlOidcStorage } from '../sql/sql-oidc-storage';
import { InteractionHandlers, interactionRoutes } from './interaction-routes';
import { loadOidcProvider, loadOidcRequestStorage } from './oidc-provider-library';
import { storageQuiescer } from './request-storage';
import { loggedOutPage, logoutPage, providerErrorPage } from './pages';

/** The web front (backend-for-frontend) that signs users in with the authorization code flow. */
export interface GatewayClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
}

/** A program that calls the API on its own behalf (client credentials), with its roles. */
export interface MachineClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly roles: readonly string[];
}

export interface AuthorizationServerOptions {
  /** The provider's public URL; its path is where the host mounts `handler`. */
  readonly issuer: string;
  /** The `aud` of every access token: the API the services verify tokens for. */
  readonly audience: string;
  readonly keys: ProviderKeys;
  readonly storage: SqlOidcStorage;
  readonly gateway?: GatewayClient;
  readonly machineClients: readonly MachineClient[];
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** Behind a TLS-terminating proxy: believe its X-Forwarded-* headers. */
  readonly trustProxy: boolean;
  readonly users: InteractionHandlers & { readonly findActive: FindActiveUserQuery };
  /** Counts the clients' failed authentications at the token endpoint (`clientSecretBrake`). */
  readonly clientThrottle: Pick<LoginThrottle, 'comprobar' | 'fallar'>;
  readonly logger: Logger;
}

/** The provider as the host sees it. */
export interface AuthorizationServer {
  readonly issuer: string;
  /** Where `handler` goes: the issuer's path ('/' or '/auth'). */
  readonly mountPath: string;
  /**
   * The OpenID Connect endpoints and the login pages. Requests for any other path fall
   * through (`next()`), so the host can mount its own routes under the same prefix. Mount it
   * before any body parser: the provider reads the bodies itself.
   */
  readonly handler: express.Router;
}

/**
 * The resource indicator of the platform's API. Access tokens are for it unless a client asks
 * otherwise (and none may), and carry the audience the services expect.
 */
export const apiResource = 'urn:expedientes:api';

/** Paths relative to the issuer. */
export const endpoints = {
  authorization: '/authorize',
  token: '/token',
  jwks: '/jwks',
  userinfo: '/userinfo',
  end_session: '/logout',
} as const;

const discoveryPrefix = '/.well-known/';

const ownedBy = (prefixes: readonly string[]) => (path: string) =>
  prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)) ||
  path.startsWith(discoveryPrefix);

/** Only the first-party web front gets consent granted without asking the user. */
const firstParty = (options: AuthorizationServerOptions) =>
  new Set(options.gateway ? [options.gateway.clientId] : []);

function clientsOf(options: AuthorizationServerOptions): ClientMetadata[] {
  const machines = options.machineClients.map((client): ClientMetadata => ({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  }));
  const { gateway } = options;
  if (!gateway) return machines;
  return [
    {
      client_id: gateway.clientId,
      client_secret: gateway.clientSecret,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [...gateway.redirectUris],
      post_logout_redirect_uris: [...gateway.postLogoutRedirectUris],
    },
    ...machines,
  ];
}

function configuration(options: AuthorizationServerOptions, prefix: string): Configuration {
  const { errors } = loadOidcProvider();
  const machineRoles = new Map(options.machineClients.map((c) => [c.clientId, [...c.roles]]));
  const { findActive } = options.users;
  const ttl = {
    access: options.accessTokenTtlSeconds,
    refresh: options.refreshTokenTtlSeconds,
  };
  return {
    adapter: options.storage.adapterFor,
    jwks: { keys: options.keys.signingKeys.map((key) => ({ ...key })) },
    cookies: { keys: [...options.keys.cookieKeys] },
    clients: clientsOf(options),
    // No client runs in a browser: nothing is offered cross-origin.
    clientBasedCORS: () => false,
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      roles: ['roles'],
    },
    // The access token is for the API, not the userinfo endpoint: the ID token says who.
    conformIdTokenClaims: false,
    // `token`: the code or refresh token being used; without one, the browser's session at
    // the provider. Either begun before an administrator reset the password no longer holds.
    async findAccount(ctx, sub, token) {
      const inicio = token?.iat ?? ctx.oidc?.session?.loginTs;
      const usuario = await findActive.handle(
        sub,
        inicio === undefined ? undefined : new Date(inicio * 1000),
      );
      if (!usuario) return undefined;
      return {
        accountId: usuario.username,
        claims: () => ({
          sub: usuario.username,
          name: usuario.nombre,
          preferred_username: usuario.username,
          roles: [...usuario.roles],
        }),
      };
    },
    // The roles as they are now: a change reaches the next access token, at the latest on refresh.
    async extraTokenClaims(_ctx, token: AccessToken | ClientCredentials) {
      if (token.kind === 'ClientCredentials') {
        return { roles: machineRoles.get(String(token.clientId)) ?? [] };
      }
      const usuario = token.accountId ? await findActive.handle(token.accountId) : null;
      return { roles: usuario ? [...usuario.roles] : [] };
    },
    features: {
      devInteractions: { enabled: false },
      // Off: the gateway sends its requests by redirect, and the handler serves `endpoints` only.
      pushedAuthorizationRequests: { enabled: false },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => apiResource,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          if (indicator !== apiResource) throw new errors.InvalidTarget();
          return {
            scope: 'api',
            audience: options.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ttl.access,
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          ctx.type = 'html';
          // The provider has checked the hint: it is an ID token it issued to the client asking.
          ctx.body = logoutPage(form, Boolean(ctx.oidc.params?.id_token_hint));
        },
        postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = loggedOutPage();
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
    // Refresh tokens for the clients allowed them, without asking for offline_access: they
    // still end with the user's session (logout), since that scope is not granted.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    pkce: { required: () => true },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = providerErrorPage(out.error, out.error_description);
    },
    responseTypes: ['code'],
    routes: { ...endpoints },
    scopes: ['openid', 'offline_access', 'profile', 'roles'],
    ttl: {
      AccessToken: ttl.access,
      ClientCredentials: ttl.access,
      IdToken: ttl.access,
      AuthorizationCode: 60,
      Interaction: 30 * 60,
      RefreshToken: ttl.refresh,
      Grant: ttl.refresh,
      Session: ttl.refresh,
    },
  };
}

/**
 * The OpenID Connect provider (oidc-provider): authorization code with PKCE for the gateway,
 * client credentials for machine clients, refresh tokens, RP-initiated logout, access tokens
 * as JWTs signed with the provider's keys for the API audience, carrying `sub` (the username,
 * or a machine client's id) and `roles`. Sessions, grants and codes live in the service's
 * database, so a restart logs nobody out.
 */
export function createAuthorizationServer(
  options: AuthorizationServerOptions,
): AuthorizationServer {
  const { Provider } = loadOidcProvider();
  const url = new URL(options.issuer);
  const prefix = url.pathname.replace(/\/+$/, '');
  const provider: Provider = new Provider(options.issuer, configuration(options, prefix));
  provider.proxy = options.trustProxy;
  const logger = options.logger.child({ component: 'oidc-provider' });
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
    logger.error({ error: describeError(error), stack: error.stack }, 'authorization server error');
  });

  const handler = express.Router();
  handler.use(authorizationServerSecurityHeaders());
  handler.post(endpoints.token, clientSecretBrake(options.clientThrottle, logger));
  handler.use(
    '/interaction',
    interactionRoutes(
      provider,
      options.users,
      firstParty(options),
      prefix,
      logger,
      options.trustProxy,
    ),
  );
  const callback = provider.callback();
  const owned = ownedBy(Object.values(endpoints));
  const requestStorage = loadOidcRequestStorage();
  if (!requestStorage) {
    logger.warn("oidc-provider's request storage not found: its promise hooks stay on (slower)");
  }
  const quiesce = storageQuiescer(requestStorage);
  handler.use((req: Request, res: Response, next: NextFunction) => {
    if (!owned(req.path)) return next();
    quiesce(res);
    void callback(req, res);
  });
  return { issuer: options.issuer, mountPath: prefix || '/', handler };
}

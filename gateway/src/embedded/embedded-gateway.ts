import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { IdentityVerifier, Logger } from '@expedientes/shared-kernel';
import {
  createServiceHttpApp,
  ServiceMetrics,
  stopServer,
} from '@expedientes/shared-kernel/adapters/runtime';
import { httpBackends } from '../adapters/http/http-backends';
import { GatewaySettings } from '../config';
import { createGateway, Gateway } from '../gateway-app';
import { bearerStrategy } from '../security/authentication';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

/** Where the in-process services' internal API answers on the same server. */
export const INTERNAL_PATH = '/internal';

export interface EmbeddedGatewayOptions {
  readonly dataDir: string;
  /** 0 for any free port. */
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** Checks the callers' tokens, in the gateway and in every service alike. */
  readonly identity: IdentityVerifier;
  readonly settings: Omit<GatewaySettings, 'auth'>;
}

export interface EmbeddedGateway {
  readonly url: string;
  readonly port: number;
  readonly platform: EmbeddedPlatform;
  readonly gateway: Gateway;
  /** Stops taking requests, lets those in flight finish, then stops the services. */
  stop(): Promise<void>;
}

/**
 * The whole platform in one process behind one HTTP server: the services' internal API under
 * /internal (each call still authenticated by its token), and in front of it the gateway,
 * whose clients call that same server, so both modes run one code path.
 */
export async function startEmbeddedGateway(
  options: EmbeddedGatewayOptions,
): Promise<EmbeddedGateway> {
  const { logger, metrics } = options;
  const platform = await startEmbeddedPlatform(options);
  const server = createServer();
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port, options.host, () => {
        server.off('error', fail);
        done();
      });
    });
  } catch (error) {
    await platform.stop();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const internal = `http://127.0.0.1:${port}${INTERNAL_PATH}`;
  const services = createServiceHttpApp({
    service: 'expedientes-platform',
    logger,
    metrics,
    readiness: platform.readiness,
    identity: options.identity,
    api: platform.api,
  });
  const gateway = createGateway({
    logger,
    metrics,
    readiness: platform.readiness,
    backends: httpBackends(
      {
        expedientes: `${internal}/expedientes`,
        documents: `${internal}/documents`,
        bpm: `${internal}/bpm`,
        search: `${internal}/search`,
      },
      options.settings.backendTimeoutMs,
    ),
    strategies: [['bearer', bearerStrategy(options.identity)]],
    limits: options.settings.limits,
    corsOrigins: options.settings.corsOrigins,
    trustProxy: options.settings.trustProxy,
  });
  server.on('request', hostOf(services, gateway.app));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    platform,
    gateway,
    stop: async () => {
      await stopServer(server)();
      await platform.stop();
    },
  };
}

function hostOf(services: express.Express, gateway: express.Express): express.Express {
  const host = express();
  host.disable('x-powered-by');
  host.use(INTERNAL_PATH, services);
  host.use(gateway);
  return host;
}

import { AddressInfo } from 'node:net';
import { silentLogger } from '@expedientes/shared-kernel';
import { JwtIdentityVerifier, ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { httpBackends } from '../../src/adapters/http/http-backends';
import { createGateway, Gateway, GatewayOptions } from '../../src/gateway-app';
import { bearerStrategy } from '../../src/security/authentication';
import { freePort } from '../e2e/support/processes';

export interface BareGateway {
  readonly url: string;
  readonly gateway: Gateway;
  /** Closes the live streams, then the server, as the processes do on shutdown. */
  stop(): Promise<void>;
}

/**
 * The gateway alone on a free port, its services' addresses leading nowhere, trusting the
 * tokens of `issuer`: for what it does by itself (live updates, the web UI).
 */
export async function startBareGateway(
  issuer: TestTokenIssuer,
  options: Partial<GatewayOptions> = {},
): Promise<BareGateway> {
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  const gateway = createGateway({
    logger: silentLogger,
    metrics: new ServiceMetrics('gateway-bare'),
    readiness: [],
    backends: httpBackends(
      { expedientes: nowhere, documents: nowhere, bpm: nowhere, search: nowhere },
      1_000,
    ),
    strategies: [
      [
        'bearer',
        bearerStrategy(
          new JwtIdentityVerifier({
            issuer: issuer.issuer,
            audience: issuer.audience,
            keys: issuer.jwks,
          }),
        ),
      ],
    ],
    limits: { maxFileBytes: 1024, requestsPerMinute: 10_000 },
    ...options,
  });
  const server = gateway.app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    gateway,
    stop: async () => {
      gateway.liveUpdates.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
      });
    },
  };
}

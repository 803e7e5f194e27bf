import { AddressInfo } from 'node:net';
import { silentLogger } from '@expedientes/shared-kernel';
import { JwtIdentityVerifier, ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { httpBackends, ServiceUrls } from '../../src/adapters/http/http-backends';
import { createGateway, Gateway, GatewayOptions } from '../../src/gateway-app';
import { bearerStrategy } from '../../src/security/authentication';
import { freePort } from '../e2e/support/processes';

export interface BareGateway {
  readonly url: string;
  readonly gateway: Gateway;
  /** Closes the live streams, then the server, as the processes do on shutdown. */
  stop(): Promise<void>;
}

/** The gateway's own options, and how it reaches its services and the issuer's keys. */
export interface BareGatewayOptions extends Partial<GatewayOptions> {
  /** The services that answer; those left out lead nowhere. */
  readonly services?: Partial<ServiceUrls>;
  /** How long the gateway waits for a service. */
  readonly timeoutMs?: number;
  /** Where the gateway fetches the keys it trusts; by default, `issuer`'s own key set. */
  readonly jwks?: URL;
}

/**
 * The gateway alone on a free port, its services' addresses leading nowhere unless `services`
 * says otherwise, trusting the tokens of `issuer`: for what it does by itself (live updates,
 * the web UI, its HTTP surface) and what it does when a service fails it.
 */
export async function startBareGateway(
  issuer: TestTokenIssuer,
  { services = {}, timeoutMs = 1_000, jwks, ...options }: BareGatewayOptions = {},
): Promise<BareGateway> {
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  const gateway = createGateway({
    logger: silentLogger,
    metrics: new ServiceMetrics('gateway-bare'),
    readiness: [],
    backends: httpBackends(
      { expedientes: nowhere, documents: nowhere, bpm: nowhere, search: nowhere, ...services },
      timeoutMs,
    ),
    strategies: [
      [
        'bearer',
        bearerStrategy(
          new JwtIdentityVerifier({
            issuer: issuer.issuer,
            audience: issuer.audience,
            keys: jwks ?? issuer.jwks,
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

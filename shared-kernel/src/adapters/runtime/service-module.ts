import { AddressInfo } from 'node:net';
import express from 'express';
import { IdentityVerifier } from '../../ports/identity';
import { Logger } from '../../ports/logger';
import { serverFor } from './app-server';
import { createServiceHttpApp } from './http';
import { ReadinessCheck } from './request';
import { shutdownOnSignals, stopServer } from './lifecycle';
import { ServiceMetrics } from './metrics';

/**
 * A bounded context as its composition root hands it out: the same module runs as its own
 * process (distributed) or beside the others in the single embedded process.
 */
export interface ServiceModule {
  readonly name: string;
  /** The service's own HTTP API; the host puts authentication in front of it. */
  readonly api: express.Router;
  readonly readiness: readonly ReadinessCheck[];
  /** Starts consumers, relays, subscriptions and timers. */
  start(): Promise<void>;
  /** Stops taking work, lets in-flight work finish, closes its stores. */
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  readonly port: number;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly identity: IdentityVerifier;
  /** Closed last, after the module: the bus the module was given, for instance. */
  readonly resources?: ReadonlyArray<() => Promise<unknown>>;
}

/** Runs one service as its own process: HTTP on `port`, graceful shutdown on SIGTERM. */
export async function runServiceProcess(
  module: ServiceModule,
  options: ServiceProcessOptions,
): Promise<{ port: number }> {
  const app = createServiceHttpApp({
    service: module.name,
    logger: options.logger,
    metrics: options.metrics,
    readiness: module.readiness,
    identity: options.identity,
    api: module.api,
  });
  await module.start();
  const server = serverFor(app).listen(options.port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, `${module.name} listening`);
  shutdownOnSignals(options.logger, [
    stopServer(server),
    () => module.stop(),
    ...(options.resources ?? []),
  ]);
  return { port };
}

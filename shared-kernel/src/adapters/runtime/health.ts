import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import express, { RequestHandler } from 'express';
import { describeError, Logger } from '../../ports/logger';
import { serverFor } from './app-server';
import { handle, ReadinessCheck } from './request';
import { ServiceMetrics } from './metrics';

interface CheckResult {
  readonly name: string;
  readonly status: 'up' | 'down';
  readonly error?: string;
}

const checkAll = (readiness: readonly ReadinessCheck[]): Promise<CheckResult[]> =>
  Promise.all(
    readiness.map(async ({ name, check }): Promise<CheckResult> => {
      try {
        await check();
        return { name, status: 'up' };
      } catch (error) {
        return { name, status: 'down', error: describeError(error) };
      }
    }),
  );

/**
 * Liveness and readiness; with `metrics`, readiness names each check (up or down, and why)
 * and Prometheus metrics are served too: what operators' tools read, on a port of their own
 * where the public can reach the process (see `startOperationsServer`).
 */
export function healthRoutes(
  service: string,
  readiness: readonly ReadinessCheck[],
  metrics?: ServiceMetrics,
): express.Router {
  const router = express.Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'up', service });
  });
  router.get(
    '/health/ready',
    handle(async (_req, res) => {
      const checks = await checkAll(readiness);
      const ready = checks.every((check) => check.status === 'up');
      const status = ready ? 'up' : 'down';
      res.status(ready ? 200 : 503).json(metrics ? { status, checks } : { status });
    }),
  );
  if (metrics) {
    router.get(
      '/metrics',
      handle(async (_req, res) => {
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      }),
    );
  }
  return router;
}

export interface OperationsServerOptions {
  readonly service: string;
  readonly readiness: readonly ReadinessCheck[];
  readonly metrics: ServiceMetrics;
  readonly port: number;
  readonly host: string;
  readonly logger: Logger;
  /** More for operators only, by the path each is mounted at (the embedded services' API). */
  readonly routes?: Readonly<Record<string, RequestHandler>>;
}

/**
 * The operators' listener of a process whose main port is public (the gateway, the embedded
 * platform): readiness with each check and the metrics, on a port that is not published.
 */
export async function startOperationsServer(options: OperationsServerOptions): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(options.service, options.readiness, options.metrics));
  for (const [path, handler] of Object.entries(options.routes ?? {})) app.use(path, handler);
  const server = serverFor(app).listen(options.port, options.host);
  await new Promise<void>((done, fail) => server.once('listening', done).once('error', fail));
  const { port } = server.address() as AddressInfo;
  options.logger.info(
    { host: options.host, port },
    'operations listening (/metrics, /health/ready with its checks)',
  );
  return server;
}

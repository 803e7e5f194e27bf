import express from 'express';
import { describeError } from '../../ports/logger';
import { handle, ReadinessCheck } from './request';
import { ServiceMetrics } from './metrics';

/** Liveness, readiness (each check: up or down, and why) and Prometheus metrics, in the open. */
export function healthRoutes(
  service: string,
  readiness: readonly ReadinessCheck[],
  metrics: ServiceMetrics,
): express.Router {
  const router = express.Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'up', service });
  });
  router.get(
    '/health/ready',
    handle(async (_req, res) => {
      const checks = await Promise.all(
        readiness.map(async ({ name, check }) => {
          try {
            await check();
            return { name, status: 'up' };
          } catch (error) {
            return { name, status: 'down', error: describeError(error) };
          }
        }),
      );
      const ready = checks.every((check) => check.status === 'up');
      res.status(ready ? 200 : 503).json({ status: ready ? 'up' : 'down', checks });
    }),
  );
  router.get(
    '/metrics',
    handle(async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    }),
  );
  return router;
}

import { Server } from 'node:http';
import { describeError, Logger } from '../../ports/logger';

/** Something to stop at shutdown, in the reverse order of starting. */
export type Stoppable = () => Promise<unknown>;

/** Closes the server to new connections and waits for the requests in flight. */
export const stopServer =
  (server: Server): Stoppable =>
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });

/**
 * Graceful shutdown: on SIGTERM or SIGINT, stop taking work and let in-flight work finish,
 * in order (HTTP first, then consumers, then stores), within `graceMs`; then exit.
 */
export function shutdownOnSignals(
  logger: Logger,
  stoppables: readonly Stoppable[],
  graceMs = 25_000,
): void {
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    let exitCode = 0;
    for (const stop of stoppables) {
      try {
        await stop();
      } catch (error) {
        exitCode = 1;
        logger.error({ error: describeError(error) }, 'a component failed to stop');
      }
    }
    logger.info('stopped');
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

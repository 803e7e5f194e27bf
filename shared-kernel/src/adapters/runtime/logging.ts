import pino from 'pino';
import { Logger } from '../../ports/logger';
import { traceIds } from '../shared/tracing';

/**
 * JSON lines on stdout, one per event, with the service name on every line; request and
 * message handlers add the correlation id through `child`.
 */
export function createLogger(
  service: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // The trace and span a line was written in, where traces are on.
    mixin: traceIds,
  };
  return destination ? pino(options, destination) : pino(options);
}

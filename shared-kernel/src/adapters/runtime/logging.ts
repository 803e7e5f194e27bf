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

type LogArguments = [Record<string, unknown>, string] | [string];

/**
 * The logger of one request or message: `base` with `fields`, made only when a line is
 * written. Its children add to the same fields rather than nest. pino makes a child from its
 * parent by prototype: a logger made for one request that is then the parent of another (the
 * user's, once authenticated) becomes a prototype itself, which costs V8 a map migration and
 * every line through it a slower lookup, on every request.
 */
export class ScopedLogger implements Logger {
  private made?: Logger;

  constructor(
    private readonly base: Logger,
    private readonly fields: Record<string, unknown>,
  ) {}

  debug(...args: LogArguments): void {
    this.logger().debug(...(args as [string]));
  }

  info(...args: LogArguments): void {
    this.logger().info(...(args as [string]));
  }

  warn(...args: LogArguments): void {
    this.logger().warn(...(args as [string]));
  }

  error(...args: LogArguments): void {
    this.logger().error(...(args as [string]));
  }

  child(fields: Record<string, unknown>): Logger {
    return new ScopedLogger(this.base, { ...this.fields, ...fields });
  }

  private logger(): Logger {
    return (this.made ??= this.base.child(this.fields));
  }
}

/**
 * Structured logging as the application needs it: fields travel as JSON, never in the text.
 * The argument order is pino's, so a pino logger fits as it is.
 */
export interface LogMethod {
  (fields: Record<string, unknown>, message: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** A logger that adds `fields` (a correlation id, a consumer group) to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/** For tests and tools that have nothing to say. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** Duck-typed: a native driver's errors may come from another realm than this `Error`. */
export const describeError = (error: unknown): string => {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return typeof message === 'string' ? `${String(name ?? 'Error')}: ${message}` : String(error);
};

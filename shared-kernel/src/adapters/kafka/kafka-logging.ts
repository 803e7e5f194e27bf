import { logCreator, logLevel } from 'kafkajs';
import { Logger } from '../../ports/logger';

/** kafkajs logs at info level by default; only its warnings and errors reach our logger. */
export const kafkaLogLevel = logLevel.WARN;

export const kafkaLogCreator =
  (logger: Logger): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    const { message, ...details } = log;
    const entry: Record<string, unknown> = { kafkaNamespace: namespace, ...details };
    delete entry.timestamp; // the logger stamps its own
    if (level === logLevel.ERROR) logger.error(entry, message);
    else logger.warn(entry, message);
  };

import { logCreator, logLevel } from 'kafkajs';
import { Logger } from '../../ports/logger';

/** kafkajs logs at info level by default; only its warnings and errors reach our logger. */
export const kafkaLogLevel = logLevel.WARN;

/**
 * What kafkajs calls an error but is the normal course of a consumer group or of idempotent
 * topic creation: a rebalance after a member joined or left, a topic that exists already.
 */
const routine = [/group is rebalancing/i, /^Topic creation errors$/, /already exists/i];

const isRoutine = (message: string, details: Record<string, unknown>): boolean =>
  routine.some((pattern) => pattern.test(message) || pattern.test(String(details.error ?? '')));

export const kafkaLogCreator =
  (logger: Logger): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    const { message, ...details } = log;
    const entry: Record<string, unknown> = { kafkaNamespace: namespace, ...details };
    delete entry.timestamp; // the logger stamps its own
    if (isRoutine(message, details)) logger.debug(entry, message);
    else if (level === logLevel.ERROR) logger.error(entry, message);
    else logger.warn(entry, message);
  };

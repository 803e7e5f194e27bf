import { setTimeout as sleep } from 'node:timers/promises';
import { type Db, MongoClient, MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { describeError, type Logger } from '../../ports';

export interface MongoConnectOptions {
  /** Shown by the server in its connection list and logs: the service's name. */
  readonly appName: string;
  /** Told of each failed attempt that will be retried. */
  readonly logger?: Logger;
  /** How long one attempt (and later each ping) waits for a reachable server. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Attempts before giving up. Default 10: with the other defaults, about 90 s of waiting. */
  readonly maxAttempts?: number;
  /** Pause after the first failed attempt, doubled after each further one up to 5 s. Default 500 ms. */
  readonly retryDelayMs?: number;
}

/** A live connection to MongoDB; the driver reconnects by itself once this exists. */
export interface MongoConnection {
  /** The database named in the URL, or another one by name. */
  db(name?: string): Db;
  /** Resolves when the server answers, throws otherwise: the readiness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The server could not be reached within the connect bound. */
export class MongoUnreachableError extends Error {
  constructor(
    readonly address: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `MongoDB at ${address} unreachable after ${attempts} attempt(s): ${describeError(cause)}`,
      { cause },
    );
    this.name = 'MongoUnreachableError';
  }
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Connects, retrying with exponential backoff while the server is unreachable, so a service
 * started before its database waits for it instead of crashing. Errors that waiting cannot
 * cure (bad credentials, a malformed URL) are thrown at once.
 */
export async function connectMongo(
  url: string,
  options: MongoConnectOptions,
): Promise<MongoConnection> {
  const {
    appName,
    logger,
    connectTimeoutMs = 5_000,
    maxAttempts = 10,
    retryDelayMs = 500,
  } = options;
  const address = redactCredentials(url);
  let delayMs = retryDelayMs;
  for (let attempt = 1; ; attempt++) {
    const client = new MongoClient(url, {
      appName,
      connectTimeoutMS: connectTimeoutMs,
      serverSelectionTimeoutMS: connectTimeoutMs,
    });
    try {
      await client.connect();
      return openConnection(client, databaseNamedIn(url));
    } catch (error) {
      await client.close().catch(() => undefined); // it never connected: nothing to lose
      if (!isUnreachable(error)) throw error;
      if (attempt >= maxAttempts) throw new MongoUnreachableError(address, attempt, error);
      logger?.warn(
        { address, attempt, maxAttempts, retryInMs: delayMs, error: describeError(error) },
        'MongoDB not reachable yet, retrying',
      );
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
    }
  }
}

function openConnection(client: MongoClient, defaultDb: string | undefined): MongoConnection {
  return {
    db(name = defaultDb) {
      if (!name) {
        // The driver would silently fall back to a database called "test".
        throw new Error(
          'The MongoDB URL names no database (mongodb://host:port/<database>): pass one',
        );
      }
      return client.db(name);
    },
    async ping() {
      await client.db('admin').command({ ping: 1 });
    },
    close: () => client.close(),
  };
}

const isUnreachable = (error: unknown): boolean =>
  error instanceof MongoServerSelectionError || error instanceof MongoNetworkError;

/** The path of `mongodb://[user:pass@]hosts/<database>?options`, where there is one. */
function databaseNamedIn(url: string): string | undefined {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url)?.[1];
  return path ? decodeURIComponent(path) : undefined;
}

/** The URL as it may appear in logs and errors. */
const redactCredentials = (url: string): string => url.replace(/\/\/[^@/]+@/, '//***@');

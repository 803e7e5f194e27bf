import { createServer } from 'node:net';
import { MongoServerError } from 'mongodb';
import {
  connectMongo,
  ensureIndexes,
  type IndexPlan,
  MongoUnreachableError,
} from '../../src/adapters/mongodb';
import { silentLogger } from '../../src/ports';
import { describeWithServer } from '../../src/testing';

type Fields = Record<string, unknown>;
import { useTestDatabase } from './mongodb-test-database';

/** A local port nobody listens on: bound by us a moment ago, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('connectMongo with no server listening', () => {
  it('retries with backoff, then gives up after its bound with a clear error', async () => {
    const port = await closedPort();
    const warnings: Fields[] = [];
    const started = Date.now();

    const connecting = connectMongo(`mongodb://reader:s3cret@127.0.0.1:${port}/nowhere`, {
      appName: 'test-retry',
      connectTimeoutMs: 300,
      maxAttempts: 3,
      retryDelayMs: 50,
      logger: { ...silentLogger, warn: (fields: unknown) => void warnings.push(fields as Fields) },
    });

    const error = await connecting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoUnreachableError);
    const unreachable = error as MongoUnreachableError;
    expect(unreachable.attempts).toBe(3);
    expect(unreachable.message).toContain(`127.0.0.1:${port}`);
    expect(unreachable.message).toContain('after 3 attempt');
    expect(unreachable.message).not.toContain('s3cret');
    // One warning per failed attempt that is retried, with the growing pause.
    expect(warnings.map((w) => [w.attempt, w.retryInMs])).toEqual([
      [1, 50],
      [2, 100],
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describeWithServer('mongodb', 'MongoDB connection and indexes', (url) => {
  const database = useTestDatabase(url, 'kernel_mongo');

  it('connects, answers a ping and defaults to the database of the URL', async () => {
    const connection = database.connection();
    await expect(connection.ping()).resolves.toBeUndefined();
    const named = /^mongodb:\/\/[^/]+\/([^?]+)/.exec(url())?.[1];
    expect(connection.db().databaseName).toBe(named);
  });

  it('refuses to guess a database when the URL names none', async () => {
    const bare = url().replace(/^(mongodb:\/\/[^/]+)\/[^?]*/, '$1/');
    const connection = await connectMongo(bare, { appName: 'test-bare', maxAttempts: 1 });
    try {
      expect(() => connection.db()).toThrow(/names no database/);
      expect(connection.db('other').databaseName).toBe('other');
    } finally {
      await connection.close();
    }
  });

  const plan: IndexPlan = {
    expediente_list: [
      { key: { code: 1 }, name: 'code_unique', unique: true },
      { key: { openedAt: -1 }, name: 'by_opened_at' },
    ],
  };

  it('creates declared indexes idempotently, and a unique one refuses a duplicate', async () => {
    const db = database.db();
    await ensureIndexes(db, plan);
    await ensureIndexes(db, plan); // every start-up does it again

    const names = (await db.collection('expediente_list').listIndexes().toArray()).map(
      (index) => index.name as string,
    );
    expect(names).toEqual(expect.arrayContaining(['code_unique', 'by_opened_at']));

    const list = db.collection('expediente_list');
    await list.insertOne({ code: 'EXP-2025-0001', openedAt: new Date() });
    const duplicate = await list
      .insertOne({ code: 'EXP-2025-0001', openedAt: new Date() })
      .catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect((duplicate as MongoServerError).code).toBe(11000);
    expect(await list.countDocuments({ code: 'EXP-2025-0001' })).toBe(1);
  });

  it('names the collection when a declared index clashes with an existing one', async () => {
    const db = database.db();
    await ensureIndexes(db, plan);
    const redefined: IndexPlan = {
      expediente_list: [{ key: { code: 1, openedAt: 1 }, name: 'code_unique', unique: true }],
    };
    const error = await ensureIndexes(db, redefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Cannot create index "code_unique" of "expediente_list": MongoServerError: /,
    );
    expect(((error as Error).cause as MongoServerError).code).toBe(86); // IndexKeySpecsConflict
  });
});

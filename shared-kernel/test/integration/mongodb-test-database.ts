import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { connectMongo, type MongoConnection } from '../../src/adapters/mongodb';
import type { ServerUrl } from '../../src/testing';

export interface TestDatabase {
  readonly connection: () => MongoConnection;
  readonly db: () => Db;
}

/**
 * A database of its own for one test file, so parallel files never meet: created on first
 * use, dropped after the file's last test.
 */
export function useTestDatabase(url: ServerUrl, prefix: string): TestDatabase {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  let connection: MongoConnection | undefined;
  beforeAll(async () => {
    connection = await connectMongo(url(), { appName: `test-${prefix}`, maxAttempts: 1 });
  });
  afterAll(async () => {
    await connection?.db(name).dropDatabase();
    await connection?.close();
  });
  const live = (): MongoConnection => {
    if (!connection) throw new Error('not connected: use inside a test');
    return connection;
  };
  return { connection: live, db: () => live().db(name) };
}

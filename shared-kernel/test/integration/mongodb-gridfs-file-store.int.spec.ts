import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Db } from 'mongodb';
import { GridFsFileStore } from '../../src/adapters/mongodb';
import { describeWithServer, fileStoreContract } from '../../src/testing';
import { useTestDatabase } from './mongodb-test-database';

/** Every document of a bucket: files and chunks. */
async function bucketItems(db: Db, bucketName: string): Promise<number> {
  const files = await db.collection(`${bucketName}.files`).countDocuments();
  const chunks = await db.collection(`${bucketName}.chunks`).countDocuments();
  return files + chunks;
}

describeWithServer('mongodb', 'GridFsFileStore', (url) => {
  const database = useTestDatabase(url, 'kernel_gridfs');
  let bucketCount = 0;
  /** A store on a bucket of its own, so each test sees only its files. */
  const newStore = (maxBytes: number) => {
    const bucketName = `files${++bucketCount}`;
    return { bucketName, store: new GridFsFileStore(database.db(), { maxBytes, bucketName }) };
  };

  fileStoreContract('GridFsFileStore', async (maxBytes) => {
    const { store, bucketName } = newStore(maxBytes);
    return { store, storedItems: () => bucketItems(database.db(), bucketName) };
  });

  it('keeps the digest in the files document itself, not only in its answer', async () => {
    const { store, bucketName } = newStore(1024 * 1024);
    const content = randomBytes(300 * 1024);
    const stored = await store.upload(Readable.from([content]), { filename: 'a.bin' });

    const filesDoc = await database.db().collection(`${bucketName}.files`).findOne({});
    const digest = createHash('sha256').update(content).digest('hex');
    expect(stored.id).toMatch(/^[0-9a-f]{24}$/);
    expect(filesDoc?.metadata).toMatchObject({ sha256: digest });
  });

  it('refuses a limit that is not a whole number of bytes', () => {
    expect(() => new GridFsFileStore(database.db(), { maxBytes: Number.NaN })).toThrow(RangeError);
  });
});

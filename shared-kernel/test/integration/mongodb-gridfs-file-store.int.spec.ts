import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Db } from 'mongodb';
import {
  ContentNotFoundError,
  ContentTooLargeError,
  GridFsFileStore,
} from '../../src/adapters/mongodb';
import { isDomainError } from '../../src/domain';
import { describeWithServer } from '../../src/testing';
import { useTestDatabase } from './mongodb-test-database';

const MiB = 1024 * 1024;
const PIECE = 64 * 1024;

/** Streams `content` in pieces of the size a file or socket stream would give. */
const inPieces = (content: Buffer): Readable =>
  Readable.from(
    (function* () {
      for (let at = 0; at < content.length; at += PIECE) yield content.subarray(at, at + PIECE);
    })(),
  );

/** A source of up to `limit` random bytes that counts how many it has handed out. */
function countingSource(limit: number, failAfter?: number) {
  // One piece read ahead at most (objectMode counts pieces), as a socket under backpressure.
  const source = { produced: 0, stream: Readable.from(generate(), { highWaterMark: 1 }) };
  function* generate() {
    while (source.produced < limit) {
      if (failAfter !== undefined && source.produced >= failAfter) {
        throw new Error('client went away');
      }
      source.produced += PIECE;
      yield randomBytes(PIECE);
    }
  }
  return source;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

const sha256 = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

/** Every document of a bucket, to show that nothing was left behind. */
async function bucketContents(db: Db, bucketName: string) {
  return {
    files: await db.collection(`${bucketName}.files`).countDocuments(),
    chunks: await db.collection(`${bucketName}.chunks`).countDocuments(),
  };
}

describeWithServer('mongodb', 'GridFsFileStore', (url) => {
  const database = useTestDatabase(url, 'kernel_gridfs');
  let bucketCount = 0;
  /** A store on a bucket of its own, so each test sees only its files. */
  const newStore = (maxBytes = 8 * MiB) => {
    const bucketName = `files${++bucketCount}`;
    return { bucketName, store: new GridFsFileStore(database.db(), { maxBytes, bucketName }) };
  };

  it('stores a 5 MB stream and gives it back byte for byte, with its SHA-256 and size', async () => {
    const { store, bucketName } = newStore();
    const content = randomBytes(5 * MiB + 12_345); // not a whole number of chunks

    const stored = await store.upload(inPieces(content), {
      filename: 'informe-tecnico.pdf',
      contentType: 'application/pdf',
      metadata: { documentId: 'doc-1', version: 2 },
    });

    expect(stored).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      filename: 'informe-tecnico.pdf',
      contentType: 'application/pdf',
      length: content.length,
      sha256: sha256(content),
      uploadedAt: expect.any(Date),
      metadata: { documentId: 'doc-1', version: 2 },
    });
    // The digest is kept in the files document itself, not only returned.
    const filesDoc = await database.db().collection(`${bucketName}.files`).findOne({});
    expect(filesDoc?.metadata).toMatchObject({ sha256: sha256(content) });

    const download = await store.openDownload(stored.id);
    const { content: stream, ...description } = download;
    expect(description).toEqual(stored);
    const back = await readAll(stream);
    expect(back.length).toBe(content.length);
    expect(back.equals(content)).toBe(true);
  });

  it('stores an empty file', async () => {
    const { store } = newStore();
    const stored = await store.upload(Readable.from([]), { filename: 'vacio.txt' });
    expect(stored.length).toBe(0);
    expect(stored.sha256).toBe(sha256(Buffer.alloc(0)));
    expect(stored.contentType).toBeUndefined();
    expect((await readAll((await store.openDownload(stored.id)).content)).length).toBe(0);
  });

  it('accepts content of exactly the maximum size', async () => {
    const { store } = newStore(MiB);
    const content = randomBytes(MiB);
    const stored = await store.upload(inPieces(content), { filename: 'justo.bin' });
    expect(stored.length).toBe(MiB);
    expect(stored.sha256).toBe(sha256(content));
  });

  it('stops an upload over the limit early, keeps nothing, and says why', async () => {
    const { store, bucketName } = newStore(MiB);
    const source = countingSource(64 * MiB);

    const error = await store.upload(source.stream, { filename: 'enorme.bin' }).catch((e) => e);

    expect(error).toBeInstanceOf(ContentTooLargeError);
    expect(isDomainError(error) && [error.kind, error.code]).toEqual([
      'too_large',
      'CONTENT.TOO_LARGE',
    ]);
    expect((error as ContentTooLargeError).details).toEqual({ maxBytes: MiB });
    // Streamed, not buffered: reading stopped right after the limit, far from the 64 MiB.
    expect(source.produced).toBeLessThanOrEqual(MiB + 4 * PIECE);
    expect(source.stream.destroyed).toBe(true);
    expect(await bucketContents(database.db(), bucketName)).toEqual({ files: 0, chunks: 0 });
  });

  it('keeps nothing of an upload whose source fails midway', async () => {
    const { store, bucketName } = newStore();
    const source = countingSource(8 * MiB, 3 * MiB);

    await expect(store.upload(source.stream, { filename: 'cortado.bin' })).rejects.toThrow(
      'client went away',
    );
    expect(await bucketContents(database.db(), bucketName)).toEqual({ files: 0, chunks: 0 });
  });

  it('answers a typed not-found for a missing, malformed or deleted id', async () => {
    const { store, bucketName } = newStore();
    const stored = await store.upload(inPieces(randomBytes(300 * 1024)), { filename: 'a.txt' });

    expect(await store.delete(stored.id)).toBe(true);
    expect(await store.delete(stored.id)).toBe(false); // a retried compensation is harmless
    expect(await bucketContents(database.db(), bucketName)).toEqual({ files: 0, chunks: 0 });

    for (const id of [stored.id, '0123456789abcdef01234567', 'not-an-id']) {
      const error = await store.openDownload(id).catch((e) => e);
      expect(error).toBeInstanceOf(ContentNotFoundError);
      expect(isDomainError(error) && [error.kind, error.code, error.details]).toEqual([
        'not_found',
        'CONTENT.NOT_FOUND',
        { contentId: id },
      ]);
    }
  });
});

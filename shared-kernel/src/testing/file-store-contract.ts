import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { isDomainError } from '../domain/domain-error';
import { ContentNotFoundError, ContentTooLargeError } from '../ports/content-errors';
import { FileStore } from '../ports/file-store';

export interface FileStoreUnderTest {
  readonly store: FileStore;
  /** Everything the store holds, whole or partial (files, chunks, folders): 0 when empty. */
  readonly storedItems: () => Promise<number>;
}

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

/**
 * The behaviour every FileStore adapter must have. `makeStore(maxBytes)` gives an empty store
 * with that limit, of its own: each test gets a fresh one.
 */
export function fileStoreContract(
  name: string,
  makeStore: (maxBytes: number) => Promise<FileStoreUnderTest>,
): void {
  describe(`${name} (FileStore contract)`, () => {
    it('stores a 5 MB stream and gives it back byte for byte, with its SHA-256 and size', async () => {
      const { store } = await makeStore(8 * MiB);
      const content = randomBytes(5 * MiB + 12_345); // not a whole number of chunks or pieces

      const stored = await store.upload(inPieces(content), {
        filename: 'informe-técnico.pdf',
        contentType: 'application/pdf',
        metadata: { documentId: 'doc-1', version: 2 },
      });

      expect(stored).toEqual({
        id: expect.any(String),
        filename: 'informe-técnico.pdf',
        contentType: 'application/pdf',
        length: content.length,
        sha256: sha256(content),
        uploadedAt: expect.any(Date),
        metadata: { documentId: 'doc-1', version: 2 },
      });
      const { content: stream, ...description } = await store.openDownload(stored.id);
      expect(description).toEqual(stored);
      const back = await readAll(stream);
      expect(back.length).toBe(content.length);
      expect(back.equals(content)).toBe(true);
    });

    it('keeps files apart: each has its own id and content', async () => {
      const { store } = await makeStore(MiB);
      const first = randomBytes(1000);
      const second = randomBytes(2000);
      const a = await store.upload(inPieces(first), { filename: 'a.bin' });
      const b = await store.upload(inPieces(second), { filename: 'b.bin' });

      expect(a.id).not.toBe(b.id);
      expect(await store.delete(a.id)).toBe(true);
      expect((await readAll((await store.openDownload(b.id)).content)).equals(second)).toBe(true);
    });

    it('stores an empty file', async () => {
      const { store } = await makeStore(MiB);
      const stored = await store.upload(Readable.from([]), { filename: 'vacio.txt' });
      expect(stored.length).toBe(0);
      expect(stored.sha256).toBe(sha256(Buffer.alloc(0)));
      expect(stored.contentType).toBeUndefined();
      expect(stored.metadata).toEqual({});
      expect((await readAll((await store.openDownload(stored.id)).content)).length).toBe(0);
    });

    it('accepts content of exactly the maximum size', async () => {
      const { store } = await makeStore(MiB);
      const content = randomBytes(MiB);
      const stored = await store.upload(inPieces(content), { filename: 'justo.bin' });
      expect(stored.length).toBe(MiB);
      expect(stored.sha256).toBe(sha256(content));
    });

    it('stops an upload over the limit early, keeps nothing, and says why', async () => {
      const { store, storedItems } = await makeStore(MiB);
      const source = countingSource(64 * MiB);

      const error = await store.upload(source.stream, { filename: 'enorme.bin' }).catch((e) => e);

      expect(error).toBeInstanceOf(ContentTooLargeError);
      expect(isDomainError(error) && [error.kind, error.code, error.details]).toEqual([
        'too_large',
        'CONTENT.TOO_LARGE',
        { maxBytes: MiB },
      ]);
      // Streamed, not buffered: reading stopped right after the limit, far from the 64 MiB.
      expect(source.produced).toBeLessThanOrEqual(MiB + 4 * PIECE);
      expect(source.stream.destroyed).toBe(true);
      expect(await storedItems()).toBe(0);
    });

    it('keeps nothing of an upload whose source fails midway', async () => {
      const { store, storedItems } = await makeStore(8 * MiB);
      const source = countingSource(8 * MiB, 3 * MiB);

      await expect(store.upload(source.stream, { filename: 'cortado.bin' })).rejects.toThrow(
        'client went away',
      );
      expect(await storedItems()).toBe(0);
    });

    it('refuses content that is not bytes, keeping nothing', async () => {
      const { store, storedItems } = await makeStore(MiB);
      const text = Readable.from(['texto, no bytes']);
      await expect(store.upload(text, { filename: 'a.txt' })).rejects.toThrow(TypeError);
      expect(await storedItems()).toBe(0);
    });

    it('answers a typed not-found for a missing, malformed or deleted id', async () => {
      const { store, storedItems } = await makeStore(MiB);
      const stored = await store.upload(inPieces(randomBytes(300 * 1024)), { filename: 'a.txt' });

      expect(await store.delete(stored.id)).toBe(true);
      expect(await store.delete(stored.id)).toBe(false); // a retried compensation is harmless
      expect(await store.delete('../../etc')).toBe(false);
      expect(await storedItems()).toBe(0);

      const someId = stored.id.replace(/./g, '0');
      for (const id of [stored.id, someId, 'not-an-id', '../files']) {
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
}

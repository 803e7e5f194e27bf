import { randomBytes } from 'node:crypto';
import fs, {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Durability, LocalFileStore } from '../../src/adapters/files';
import { ContentNotFoundError } from '../../src/ports/content-errors';
import { fileStoreContract } from '../../src/testing';

/** Every entry the store keeps under its folder: kept files, uploads under way, deletions. */
const storedItems = (directory: string) => async (): Promise<number> =>
  ['files', 'incoming', 'discarded']
    .map((folder) => readdirSync(join(directory, folder)).length)
    .reduce((sum, count) => sum + count, 0);

async function readAll(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

describe('LocalFileStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'expedientes-files-'));
  let storeCount = 0;
  const newDirectory = (): string => join(root, `store${++storeCount}`);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  fileStoreContract('LocalFileStore', async (maxBytes) => {
    const directory = newDirectory();
    return {
      store: new LocalFileStore({ directory, maxBytes }),
      storedItems: storedItems(directory),
    };
  });

  fileStoreContract('LocalFileStore surviving a process crash only', async (maxBytes) => {
    const directory = newDirectory();
    return {
      store: new LocalFileStore({ directory, maxBytes, durability: 'process-crash' }),
      storedItems: storedItems(directory),
    };
  });

  it.each<[Durability, number]>([
    ['power-cut', 2],
    ['process-crash', 0],
  ])('flushes an upload to the disk as its durability says (%s)', async (durability, flushes) => {
    const fsync = jest.spyOn(fs, 'fsync');
    try {
      const store = new LocalFileStore({ directory: newDirectory(), maxBytes: 1000, durability });
      await store.upload(Readable.from([Buffer.from('contenido')]), { filename: 'a.txt' });
      // The file, and the folder it is renamed into.
      expect(fsync).toHaveBeenCalledTimes(flushes);
    } finally {
      fsync.mockRestore();
    }
  });

  it('reads and deletes the files that earlier versions kept as a folder each', async () => {
    const directory = newDirectory();
    const store = new LocalFileStore({ directory, maxBytes: 1000 });
    const id = 'd'.repeat(32);
    const folder = join(directory, 'files', id);
    mkdirSync(folder);
    writeFileSync(join(folder, 'content'), 'contenido de antes');
    const description = {
      id,
      filename: 'antiguo.txt',
      contentType: 'text/plain',
      length: 18,
      sha256: 'e'.repeat(64),
      uploadedAt: '2026-01-02T03:04:05.000Z',
      metadata: { version: 2 },
    };
    writeFileSync(join(folder, 'file.json'), JSON.stringify(description));

    const { content, ...stored } = await store.openDownload(id);
    expect(stored).toEqual({ ...description, uploadedAt: new Date(description.uploadedAt) });
    expect((await readAll(content)).toString()).toBe('contenido de antes');
    expect(await store.delete(id)).toBe(true);
    await expect(store.openDownload(id)).rejects.toBeInstanceOf(ContentNotFoundError);
  });

  it('refuses a stored file whose end is not its description', async () => {
    const directory = newDirectory();
    const store = new LocalFileStore({ directory, maxBytes: 1000 });
    const stored = await store.upload(Readable.from([Buffer.from('contenido')]), {
      filename: 'a.txt',
    });
    appendFileSync(join(directory, 'files', stored.id), 'x');
    await expect(store.openDownload(stored.id)).rejects.toThrow(/damaged/);
  });

  it('finds its files again when opened anew, as after a restart', async () => {
    const directory = newDirectory();
    const uploadedAt = new Date('2030-05-01T10:00:00.000Z');
    const content = randomBytes(100_000);
    const stored = await new LocalFileStore({
      directory,
      maxBytes: 1_000_000,
      now: () => uploadedAt,
    }).upload(Readable.from([content]), { filename: 'acta.pdf', metadata: { version: 1 } });

    const reopened = new LocalFileStore({ directory, maxBytes: 1_000_000 });
    const { content: stream, ...description } = await reopened.openDownload(stored.id);
    expect(description).toEqual({ ...stored, uploadedAt });
    expect((await readAll(stream)).equals(content)).toBe(true);
  });

  it('lets a download begun before a deletion read the whole content', async () => {
    const store = new LocalFileStore({ directory: newDirectory(), maxBytes: 4_000_000 });
    const content = randomBytes(3_000_000);
    const stored = await store.upload(Readable.from([content]), { filename: 'b.bin' });

    const download = await store.openDownload(stored.id);
    expect(await store.delete(stored.id)).toBe(true);
    expect((await readAll(download.content)).equals(content)).toBe(true);
  });

  it('clears at start-up what a crash left: old interrupted uploads and half-done deletions', () => {
    const directory = newDirectory();
    new LocalFileStore({ directory, maxBytes: 10 });
    const abandoned = join(directory, 'incoming', 'a'.repeat(32));
    const recent = join(directory, 'incoming', 'b'.repeat(32));
    const halfDeleted = join(directory, 'discarded', `${'c'.repeat(32)}-0000`);
    for (const folder of [abandoned, recent, halfDeleted]) {
      mkdirSync(folder);
      writeFileSync(join(folder, 'content'), 'x');
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(abandoned, twoHoursAgo, twoHoursAgo);

    new LocalFileStore({ directory, maxBytes: 10 });

    expect(readdirSync(join(directory, 'incoming'))).toEqual(['b'.repeat(32)]);
    expect(readdirSync(join(directory, 'discarded'))).toEqual([]);
  });
});

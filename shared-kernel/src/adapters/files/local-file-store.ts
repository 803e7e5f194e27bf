import { randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ContentNotFoundError } from '../../ports/content-errors';
import { CoalescedSync, fsyncInPool } from '../shared/coalesced-sync';
import type { FileDownload, FileStore, FileToStore, StoredFile } from '../../ports/file-store';
import type { Durability } from '../shared/durability';
import { checkedMaxBytes, MeteredContent } from '../shared/metered-content';

export interface LocalFileStoreOptions {
  /** Where the files live; created when missing. */
  readonly directory: string;
  /** Largest content accepted, in bytes: a longer upload is stopped and discarded. */
  readonly maxBytes: number;
  /** The time recorded as `uploadedAt`. */
  readonly now?: () => Date;
  /** `power-cut` (the default) flushes each upload to the disk before it is answered. */
  readonly durability?: Durability;
}

/** What each file holds after its content: everything of StoredFile but the content. */
interface Description {
  readonly id: string;
  readonly filename: string;
  readonly contentType?: string;
  readonly length: number;
  readonly sha256: string;
  readonly uploadedAt: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The description's length, in the last bytes of a file. */
const TRAILER_BYTES = 4;
/** How much of a file's end one read takes, to have its description in one go mostly. */
const TAIL_BYTES = 4096;
const ID = /^[0-9a-f]{32}$/;
/** Older uploads still in `incoming/` at start-up were cut short by a crash. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * The FileStore on the local disk, for the embedded mode. Each file is one file on the disk,
 * `files/<id>`: its content, then its description as JSON, then the description's length in
 * 4 bytes (big-endian). An upload is written as `incoming/<id>` and renamed into `files/`
 * once whole and flushed, so a file is either there complete or not at all; a deletion
 * renames it away first, so it disappears at once for readers. Ids are 32 hex digits. Under
 * `process-crash` durability nothing is flushed: the rename still makes a file whole or
 * absent for a crashed process, which the operating system's cache outlives.
 *
 * Opening, writing to the cache, closing and renaming are synchronous: they take microseconds
 * on a local disk, about what the same folder's SQLite stores spend on their own synchronous
 * I/O, while each call through the thread pool costs some 30 µs of CPU in hand-offs. Only the
 * flushes, which wait for the disk, go through the pool.
 *
 * Versions before 2026-12 kept each file as a folder, `files/<id>/` with `content` and
 * `file.json`; those are still read and deleted.
 */
export class LocalFileStore implements FileStore {
  private readonly files: string;
  private readonly incoming: string;
  private readonly discarded: string;
  private readonly maxBytes: number;
  private readonly now: () => Date;
  private readonly flushes: boolean;
  /** Flushes of `files/` itself: one serves every rename done before it began. */
  private readonly folderFlushes: CoalescedSync;

  constructor(options: LocalFileStoreOptions) {
    this.flushes = (options.durability ?? 'power-cut') === 'power-cut';
    this.maxBytes = checkedMaxBytes(options.maxBytes);
    this.now = options.now ?? (() => new Date());
    this.files = join(options.directory, 'files');
    this.incoming = join(options.directory, 'incoming');
    this.discarded = join(options.directory, 'discarded');
    this.folderFlushes = new CoalescedSync(() => flushFolder(this.files));
    for (const folder of [this.files, this.incoming, this.discarded]) {
      mkdirSync(folder, { recursive: true });
    }
    this.removeLeftovers();
  }

  async upload(
    content: Readable | AsyncIterable<Uint8Array>,
    file: FileToStore,
  ): Promise<StoredFile> {
    const id = randomBytes(16).toString('hex');
    const staging = join(this.incoming, id);
    const metered = new MeteredContent(content, this.maxBytes);
    let fd: number | undefined;
    try {
      fd = openSync(staging, 'wx');
      for await (const piece of metered.pieces()) writeAll(fd, piece);
      const stored: StoredFile = {
        id,
        filename: file.filename,
        ...(file.contentType === undefined ? {} : { contentType: file.contentType }),
        length: metered.length,
        sha256: metered.sha256(),
        uploadedAt: this.now(),
        metadata: file.metadata ?? {},
      };
      writeAll(fd, describedAs({ ...stored, uploadedAt: stored.uploadedAt.toISOString() }));
      if (this.flushes) await fsyncInPool(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(staging, join(this.files, id));
      if (this.flushes) await this.folderFlushes.sync(); // the rename itself survives a power cut
      return stored;
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      rmSync(staging, { force: true });
      throw error;
    }
  }

  async openDownload(id: string): Promise<FileDownload> {
    // Opened now: a deletion after this point leaves the open content readable to its end.
    const { fd, description } = ifFound(id, () => openStored(this.pathOf(id), id));
    return {
      ...description,
      uploadedAt: new Date(description.uploadedAt),
      content: contentOf(fd, description.length),
    };
  }

  async delete(id: string): Promise<boolean> {
    if (!ID.test(id)) return false;
    const grave = join(this.discarded, `${id}-${randomBytes(4).toString('hex')}`);
    try {
      renameSync(this.pathOf(id), grave);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    await rm(grave, { recursive: true, force: true });
    return true;
  }

  /** A path that exists for valid ids only: an id is never a way out of the store's folder. */
  private pathOf(id: string): string {
    return join(this.files, ID.test(id) ? id : 'not-an-id');
  }

  /** What a crash left: deletions half done, and uploads interrupted long ago. */
  private removeLeftovers(): void {
    const abandonedBefore = Date.now() - ABANDONED_AFTER_MS;
    for (const name of readdirSync(this.discarded)) {
      rmSync(join(this.discarded, name), { recursive: true, force: true });
    }
    for (const name of readdirSync(this.incoming)) {
      const path = join(this.incoming, name);
      if (statSync(path).mtimeMs < abandonedBefore) rmSync(path, { recursive: true, force: true });
    }
  }
}

const isNotFound = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

function ifFound<T>(id: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw isNotFound(error) ? new ContentNotFoundError(id) : error;
  }
}

/** `write` may take fewer bytes than it was given. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.byteLength;) {
    offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
  }
}

/** The description and its length, as they follow the content. */
function describedAs(description: Description): Buffer {
  const text = Buffer.from(JSON.stringify(description));
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32BE(text.byteLength);
  return Buffer.concat([text, trailer]);
}

/** The file open for reading, and its description; the caller owns the open file. */
function openStored(path: string, id: string): { fd: number; description: Description } {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (!stats.isDirectory()) return { fd, description: readDescription(fd, stats.size, id) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  closeSync(fd);
  // A file kept as a folder by an earlier version: its `content`, with `file.json` beside it.
  const text = readFileSync(join(path, 'file.json'), 'utf8');
  return { fd: openSync(join(path, 'content'), 'r'), description: JSON.parse(text) as Description };
}

/** The description at the end of a file of `size` bytes, checked against that size. */
function readDescription(fd: number, size: number, id: string): Description {
  const damaged = (): Error =>
    new Error(`the stored file ${id} is damaged: its end is not its description`);
  let tail = readAt(fd, Math.max(0, size - TAIL_BYTES), Math.min(size, TAIL_BYTES));
  if (tail.byteLength < TRAILER_BYTES) throw damaged();
  const textBytes = tail.readUInt32BE(tail.byteLength - TRAILER_BYTES);
  if (textBytes + TRAILER_BYTES > size) throw damaged();
  if (textBytes + TRAILER_BYTES > tail.byteLength) {
    tail = readAt(fd, size - TRAILER_BYTES - textBytes, textBytes + TRAILER_BYTES);
  }
  const text = tail.subarray(tail.byteLength - TRAILER_BYTES - textBytes, -TRAILER_BYTES);
  const description = JSON.parse(text.toString('utf8')) as Description;
  if (description.length + textBytes + TRAILER_BYTES !== size) throw damaged();
  return description;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let read = 0; read < length;) {
    const got = readSync(fd, bytes, read, length - read, position + read);
    if (got === 0) return bytes.subarray(0, read);
    read += got;
  }
  return bytes;
}

/** The first `length` bytes of the open file, streamed; the stream closes the file. */
function contentOf(fd: number, length: number): Readable {
  if (length > 0) return createReadStream('', { fd, start: 0, end: length - 1 });
  closeSync(fd);
  return Readable.from([]);
}

async function flushFolder(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    await fsyncInPool(fd);
  } finally {
    closeSync(fd);
  }
}

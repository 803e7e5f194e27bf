import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ContentNotFoundError } from '../../ports/content-errors';
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

/** What `file.json` holds beside each file's content. */
interface Description {
  readonly id: string;
  readonly filename: string;
  readonly contentType?: string;
  readonly length: number;
  readonly sha256: string;
  readonly uploadedAt: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

const CONTENT = 'content';
const DESCRIPTION = 'file.json';
const ID = /^[0-9a-f]{32}$/;
/** Older uploads still in `incoming/` at start-up were cut short by a crash. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * The FileStore on the local disk. Each file is a folder, `files/<id>/`, with its content and
 * its description. An upload is written in `incoming/<id>/` and renamed into `files/` once
 * whole and flushed to disk, so a file is either there complete or not at all; a deletion
 * renames the folder away first, so it disappears at once for readers. Ids are 32 hex digits.
 * Under `process-crash` durability nothing is flushed: the rename still makes a file whole or
 * absent for a crashed process, which the operating system's cache outlives.
 */
export class LocalFileStore implements FileStore {
  private readonly files: string;
  private readonly incoming: string;
  private readonly discarded: string;
  private readonly maxBytes: number;
  private readonly now: () => Date;
  private readonly flushes: boolean;

  constructor(options: LocalFileStoreOptions) {
    this.flushes = (options.durability ?? 'power-cut') === 'power-cut';
    this.maxBytes = checkedMaxBytes(options.maxBytes);
    this.now = options.now ?? (() => new Date());
    this.files = join(options.directory, 'files');
    this.incoming = join(options.directory, 'incoming');
    this.discarded = join(options.directory, 'discarded');
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
    try {
      await mkdir(staging);
      await writeNew(join(staging, CONTENT), metered.pieces(), this.flushes);
      const stored: StoredFile = {
        id,
        filename: file.filename,
        ...(file.contentType === undefined ? {} : { contentType: file.contentType }),
        length: metered.length,
        sha256: metered.sha256(),
        uploadedAt: this.now(),
        metadata: file.metadata ?? {},
      };
      const description: Description = { ...stored, uploadedAt: stored.uploadedAt.toISOString() };
      const text = Buffer.from(JSON.stringify(description));
      await writeNew(join(staging, DESCRIPTION), [text], this.flushes);
      await rename(staging, join(this.files, id));
      if (this.flushes) await syncFolder(this.files); // the rename itself survives a power cut
      return stored;
    } catch (error) {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  }

  async openDownload(id: string): Promise<FileDownload> {
    const folder = this.folderOf(id);
    const description = await ifFound(id, async () => {
      const text = await readFile(join(folder, DESCRIPTION), 'utf8');
      return JSON.parse(text) as Description;
    });
    // Opened now: a deletion after this point leaves the open content readable to its end.
    const handle = await ifFound(id, () => open(join(folder, CONTENT), 'r'));
    return {
      ...description,
      uploadedAt: new Date(description.uploadedAt),
      content: handle.createReadStream(),
    };
  }

  async delete(id: string): Promise<boolean> {
    if (!ID.test(id)) return false;
    const grave = join(this.discarded, `${id}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(this.folderOf(id), grave);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    await rm(grave, { recursive: true, force: true });
    return true;
  }

  /** A path that exists for valid ids only: an id is never a way out of the store's folder. */
  private folderOf(id: string): string {
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

async function ifFound<T>(id: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isNotFound(error) ? new ContentNotFoundError(id) : error;
  }
}

/** Writes a new file, and with `flush` takes it to the disk before resolving. */
async function writeNew(
  path: string,
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  flush: boolean,
): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    for await (const piece of pieces) await writeAll(handle, piece);
    if (flush) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `write` may take fewer bytes than it was given. */
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ContentNotFoundError,
  ContentTooLargeError,
  type FileDownload,
  type FileStore,
  type FileToStore,
  type StoredFile,
} from '@expedientes/shared-kernel';

/** A FileStore in memory, with the limit and errors of the real ones. */
export class InMemoryFileStore implements FileStore {
  private readonly files = new Map<string, { stored: StoredFile; bytes: Buffer }>();
  private next = 0;

  constructor(private readonly maxBytes = 1024 * 1024) {}

  async upload(content: AsyncIterable<Uint8Array>, file: FileToStore): Promise<StoredFile> {
    const pieces: Buffer[] = [];
    let length = 0;
    for await (const piece of content) {
      length += piece.byteLength;
      if (length > this.maxBytes) throw new ContentTooLargeError(this.maxBytes);
      pieces.push(Buffer.from(piece));
    }
    const bytes = Buffer.concat(pieces);
    const stored: StoredFile = {
      id: `content-${++this.next}`,
      filename: file.filename,
      length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      uploadedAt: new Date(),
      metadata: file.metadata ?? {},
    };
    this.files.set(stored.id, { stored, bytes });
    return stored;
  }

  async openDownload(id: string): Promise<FileDownload> {
    const file = this.files.get(id);
    if (!file) throw new ContentNotFoundError(id);
    return { ...file.stored, content: Readable.from([file.bytes]) };
  }

  async delete(id: string): Promise<boolean> {
    return this.files.delete(id);
  }

  ids(): string[] {
    return [...this.files.keys()];
  }
}

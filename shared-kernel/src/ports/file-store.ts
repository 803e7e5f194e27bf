import type { Readable } from 'node:stream';

export interface FileToStore {
  readonly filename: string;
  readonly contentType?: string;
  /** The caller's own facts about the file, kept with it (which document, which version...). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface StoredFile {
  readonly id: string;
  readonly filename: string;
  readonly contentType?: string;
  /** Size in bytes. */
  readonly length: number;
  /** Lower-case hex SHA-256 of the content, computed while it streamed in. */
  readonly sha256: string;
  readonly uploadedAt: Date;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface FileDownload extends StoredFile {
  /** The content, streamed from the store; destroy it when it is not read to the end. */
  readonly content: Readable;
}

/**
 * Where file content lives: streamed both ways, so no file is ever held in memory whole.
 * Ids are the store's own: callers keep them in their records. Files are immutable; a new
 * version is a new file.
 */
export interface FileStore {
  /**
   * Streams `content` into a new file, hashing and measuring it on the way. Content over the
   * store's limit, or a source that fails midway, leaves nothing behind, and the source is
   * destroyed (as `pipeline` would).
   * @throws ContentTooLargeError when the content exceeds the store's limit.
   */
  upload(content: Readable | AsyncIterable<Uint8Array>, file: FileToStore): Promise<StoredFile>;
  /** @throws ContentNotFoundError when no file has this id. */
  openDownload(id: string): Promise<FileDownload>;
  /** Deletes the file; deleting one already gone is no error. True if it existed. */
  delete(id: string): Promise<boolean>;
}

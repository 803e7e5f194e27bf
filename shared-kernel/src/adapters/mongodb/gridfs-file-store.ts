import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  type Collection,
  type Db,
  type GridFSChunk,
  type GridFSFile,
  GridFSBucket,
  ObjectId,
} from 'mongodb';
import { ContentNotFoundError } from '../../ports/content-errors';
import type { FileDownload, FileStore, FileToStore, StoredFile } from '../../ports/file-store';
import { checkedMaxBytes, MeteredContent } from '../shared/metered-content';

export interface GridFsFileStoreOptions {
  /** Largest content accepted, in bytes: a longer upload is stopped and discarded. */
  readonly maxBytes: number;
  /** The bucket: its files live in `<bucketName>.files` and `<bucketName>.chunks`. Default 'fs'. */
  readonly bucketName?: string;
}

/** What the store keeps in the GridFS files document's `metadata` field. */
interface StoredMetadata {
  readonly sha256: string;
  readonly contentType?: string;
  /** The caller's metadata, nested so that its keys never collide with the store's own. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * The FileStore in MongoDB GridFS, streamed both ways so that no file is ever held in memory
 * whole. Ids are hex ObjectIds.
 */
export class GridFsFileStore implements FileStore {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<GridFSFile>;
  private readonly chunks: Collection<GridFSChunk>;
  private readonly maxBytes: number;

  constructor(db: Db, options: GridFsFileStoreOptions) {
    const bucketName = options.bucketName ?? 'fs';
    this.bucket = new GridFSBucket(db, { bucketName });
    this.files = db.collection<GridFSFile>(`${bucketName}.files`);
    this.chunks = db.collection<GridFSChunk>(`${bucketName}.chunks`);
    this.maxBytes = checkedMaxBytes(options.maxBytes);
  }

  async upload(
    content: Readable | AsyncIterable<Uint8Array>,
    file: FileToStore,
  ): Promise<StoredFile> {
    const id = new ObjectId();
    const metadata = {
      ...(file.contentType === undefined ? {} : { contentType: file.contentType }),
      attributes: file.metadata ?? {},
    };
    const upload = this.bucket.openUploadStreamWithId(id, file.filename, { metadata });
    // Failures reach us through the write callbacks and `finished`; unheard, the stream's
    // 'error' event would crash the process.
    upload.on('error', () => undefined);
    const metered = new MeteredContent(content, this.maxBytes);
    try {
      for await (const piece of metered.pieces()) await write(upload, piece);
      const stored: StoredMetadata = { ...metadata, sha256: metered.sha256() };
      // The driver writes the files document at end(), from these options: the digest, known
      // only after the last byte, still goes into it.
      upload.options.metadata = stored;
      upload.end();
      await finished(upload);
    } catch (error) {
      upload.destroy();
      // The caller must see the original failure; should this clean-up fail too, the chunks
      // left have no files document, so they are unreachable: wasted space, not a wrong file.
      await this.discard(id).catch(() => undefined);
      throw error;
    }
    if (!upload.gridFSFile) throw new Error(`GridFS did not record the file ${id.toHexString()}`);
    return toStoredFile(upload.gridFSFile);
  }

  async openDownload(id: string): Promise<FileDownload> {
    const objectId = toObjectId(id);
    const file = objectId && (await this.bucket.find({ _id: objectId }, { limit: 1 }).next());
    if (!file) throw new ContentNotFoundError(id);
    return { ...toStoredFile(file), content: this.bucket.openDownloadStream(file._id) };
  }

  async delete(id: string): Promise<boolean> {
    const objectId = toObjectId(id);
    return objectId ? this.discard(objectId) : false;
  }

  /** The files document goes first, so the file disappears at once and whole for readers. */
  private async discard(id: ObjectId): Promise<boolean> {
    const { deletedCount } = await this.files.deleteOne({ _id: id });
    await this.chunks.deleteMany({ files_id: id });
    return deletedCount === 1;
  }
}

/**
 * Resolves once the stream has taken the bytes; for GridFS that is once any chunk they
 * completed is inserted, so no insert is still in flight when an upload is discarded.
 */
const write = (stream: Writable, bytes: Uint8Array): Promise<void> =>
  new Promise((resolve, reject) => {
    stream.write(bytes, (error) => (error ? reject(error) : resolve()));
  });

const OBJECT_ID = /^[0-9a-f]{24}$/i;

const toObjectId = (id: string): ObjectId | undefined =>
  OBJECT_ID.test(id) ? ObjectId.createFromHexString(id) : undefined;

function toStoredFile(file: GridFSFile): StoredFile {
  const { sha256, contentType, attributes } = file.metadata as StoredMetadata;
  return {
    id: file._id.toHexString(),
    filename: file.filename,
    ...(contentType === undefined ? {} : { contentType }),
    length: file.length,
    sha256,
    uploadedAt: file.uploadDate,
    metadata: attributes,
  };
}

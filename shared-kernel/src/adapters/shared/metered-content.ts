import { createHash } from 'node:crypto';
import { ContentTooLargeError } from '../../ports/content-errors';

/** A limit read from configuration as NaN would otherwise let everything through. */
export function checkedMaxBytes(maxBytes: number): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a whole number of bytes, got ${maxBytes}`);
  }
  return maxBytes;
}

/**
 * Content on its way into a file store: hashed and measured as it streams through, refused
 * as soon as it passes the limit. What every FileStore adapter's `upload` iterates over.
 */
export class MeteredContent {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  constructor(
    private readonly content: AsyncIterable<unknown>,
    private readonly maxBytes: number,
  ) {}

  /**
   * The content's pieces. Whoever stops iterating early (a failed write) ends the source's
   * iteration too, which destroys a stream source.
   * @throws ContentTooLargeError as soon as the content passes the limit.
   */
  async *pieces(): AsyncGenerator<Uint8Array> {
    for await (const piece of this.content) {
      if (!(piece instanceof Uint8Array)) {
        throw new TypeError('Upload content must be bytes (a stream with no encoding set)');
      }
      this.bytes += piece.byteLength;
      if (this.bytes > this.maxBytes) throw new ContentTooLargeError(this.maxBytes);
      this.hash.update(piece);
      yield piece;
    }
  }

  /** Bytes seen so far. */
  get length(): number {
    return this.bytes;
  }

  /** Lower-case hex SHA-256 of the whole content: call once, after the last piece. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}

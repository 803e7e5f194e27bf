import { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { Logger } from '@expedientes/shared-kernel';

/** The content codings the web UI's files are sent in, besides none ("identity"). */
export type Coding = 'br' | 'gzip';

/** Text: worth compressing. Images, fonts and the like come compressed already. */
const COMPRESSIBLE = new Set([
  '.js',
  '.mjs',
  '.css',
  '.html',
  '.svg',
  '.json',
  '.webmanifest',
  '.txt',
  '.xml',
  '.map',
]);

/** Larger files (a source map gone wild) are sent as they are rather than held in memory. */
const MAX_COMPRESSED_SIZE = 16 * 1024 * 1024;

export const isCompressible = (path: string): boolean =>
  COMPRESSIBLE.has(extname(path).toLowerCase());

/**
 * The coding to send an answer in, from the request's `Accept-Encoding`: the one of br and
 * gzip with the higher quality, br on a tie; none (identity) without the header, when both
 * are refused (`q=0`), or when identity is asked for with a higher quality.
 */
export function preferredCoding(acceptEncoding: string | undefined): Coding | undefined {
  if (!acceptEncoding) return undefined;
  const qualities = new Map<string, number>();
  for (const entry of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = entry.split(';');
    const coding = name.trim().toLowerCase();
    if (!coding) continue;
    let quality = 1;
    for (const parameter of parameters) {
      const q = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(parameter);
      if (q) quality = Number.isFinite(Number(q[1])) ? Number(q[1]) : 0;
    }
    const key = coding === 'x-gzip' ? 'gzip' : coding;
    qualities.set(key, Math.max(quality, qualities.get(key) ?? 0));
  }
  const qualityOf = (coding: string): number => qualities.get(coding) ?? qualities.get('*') ?? 0;
  const br = qualityOf('br');
  const gzipped = qualityOf('gzip');
  const best = Math.max(br, gzipped);
  if (best <= 0 || (qualities.get('identity') ?? 0) > best) return undefined;
  return br >= gzipped ? 'br' : 'gzip';
}

/** `send`'s (express.static's) checks: no ".." and no dotfiles, which it does not serve. */
const UP_PATH = /(?:^|[\\/])\.\.(?:[\\/]|$)/;

/**
 * The file of `dir` an URL path names, as express.static would find it; undefined where it
 * would not serve a file (a bad path, a dotfile, a folder's address): it answers those itself.
 */
export function fileOf(dir: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.endsWith('/')) return undefined;
  path = normalize(`.${sep}${path}`);
  if (UP_PATH.test(path)) return undefined;
  if (path.split(sep).some((part) => part.length > 1 && part.startsWith('.'))) return undefined;
  return join(dir, path);
}

/** A file compressed: what to answer with, and the validators of this very variant. */
export interface CompressedFile {
  readonly coding: Coding;
  readonly bytes: Buffer;
  /** express.static's (weak) ETag of the file, with the coding: caches tell them apart. */
  readonly etag: string;
  readonly lastModified: string;
}

interface Versions {
  readonly version: string;
  /** Both codings, computed once together; a coding that does not make it smaller is absent. */
  readonly codings: Promise<Partial<Record<Coding, Buffer>>>;
}

const versionOf = (stats: Stats): string => `${stats.size}:${stats.mtimeMs}`;

/** express.static's ETag (the `etag` package's, for a file's stats). */
const etagOf = (stats: Stats): string =>
  `W/"${stats.size.toString(16)}-${stats.mtime.getTime().toString(16)}`;

const compressed = (source: Buffer, coding: Coding): Promise<Buffer> =>
  new Promise((done, fail) => {
    const callback = (error: Error | null, result: Buffer): void =>
      error ? fail(error) : done(result);
    if (coding === 'gzip') {
      gzip(source, { level: constants.Z_BEST_COMPRESSION }, callback);
    } else {
      brotliCompress(
        source,
        {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            // Fast enough on a first request; 11 saves a few % more in ~50× the time.
            [constants.BROTLI_PARAM_QUALITY]: 6,
            [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
          },
        },
        callback,
      );
    }
  });

/**
 * The compressed versions of a folder's files, made on their first request and then kept in
 * memory: a file is compressed once for each of its versions (path, size and mtime), and
 * requests that come while it is being compressed wait for that one compression.
 */
export class CompressedFiles {
  private readonly files = new Map<string, Versions>();

  constructor(private readonly logger: Logger) {}

  /**
   * `path` in `coding`, or undefined where it should go as it is: not a file (or no longer
   * there), too large, or no smaller compressed.
   */
  async get(path: string, coding: Coding): Promise<CompressedFile | undefined> {
    let stats: Stats;
    try {
      stats = await stat(path);
    } catch {
      this.files.delete(path);
      return undefined;
    }
    if (!stats.isFile() || stats.size > MAX_COMPRESSED_SIZE) return undefined;
    const version = versionOf(stats);
    let known = this.files.get(path);
    if (known?.version !== version) {
      known = { version, codings: this.compress(path, version) };
      this.files.set(path, known);
      // A failure (the file replaced meanwhile, unreadable) is not kept: the next one retries.
      const failed = known;
      failed.codings.catch((error: unknown) => {
        if (this.files.get(path) === failed) this.files.delete(path);
        this.logger.warn({ path, error: String(error) }, 'could not compress a web UI file');
      });
    }
    let bytes: Buffer | undefined;
    try {
      bytes = (await known.codings)[coding];
    } catch {
      return undefined; // sent as it is, by express.static, which reports its own failures
    }
    if (!bytes) return undefined;
    return {
      coding,
      bytes,
      etag: `${etagOf(stats)}-${coding}"`,
      lastModified: stats.mtime.toUTCString(),
    };
  }

  private async compress(path: string, version: string): Promise<Partial<Record<Coding, Buffer>>> {
    const file = await open(path, 'r');
    let source: Buffer;
    try {
      const stats = await file.stat();
      source = await file.readFile();
      if (versionOf(stats) !== version || source.length !== stats.size) {
        throw new Error(`${path} changed while being read`);
      }
    } finally {
      await file.close();
    }
    const [br, gzipped] = await Promise.all([compressed(source, 'br'), compressed(source, 'gzip')]);
    const codings: Partial<Record<Coding, Buffer>> = {};
    if (br.length < source.length) codings.br = br;
    if (gzipped.length < source.length) codings.gzip = gzipped;
    return codings;
  }
}

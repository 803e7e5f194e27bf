import { randomBytes } from 'node:crypto';

/** Incompressible bytes, drawn once and shared: each file differs by its header. */
let filler = Buffer.alloc(0);

/**
 * A file that looks like a PDF (header, a stream of incompressible bytes, trailer) of exactly
 * `bytes` bytes, made unique by `id` (so no two have the same hash), without a real PDF's
 * structure: what the services store and hash.
 */
export function pdfLike(bytes: number, id: string): Buffer {
  const head = Buffer.from(`%PDF-1.4\n% ${id}\n1 0 obj\n<< /Length 0 >>\nstream\n`, 'latin1');
  const tail = Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
  const size = Math.max(0, bytes - head.length - tail.length);
  if (filler.length < size) filler = randomBytes(size);
  return Buffer.concat([head, filler.subarray(0, size), tail]).subarray(0, bytes);
}

export interface FilePart {
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/** A multipart/form-data body: the fields first, then the files, as the API asks. */
export function multipart(
  fields: ReadonlyArray<readonly [string, string]>,
  files: readonly FilePart[],
): { body: Buffer; contentType: string } {
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        'utf8',
      ),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; ` +
          `filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
        'utf8',
      ),
      file.content,
      Buffer.from('\r\n', 'utf8'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

import { createHash } from 'node:crypto';

/**
 * A UUID made from names (version 5's layout over SHA-1 of the names): the same names give the
 * same id in every process, so a retried request (its caller and Idempotency-Key) finds what
 * its first try created.
 */
export function nameBasedId(...names: readonly string[]): string {
  const bytes = createHash('sha1').update(names.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

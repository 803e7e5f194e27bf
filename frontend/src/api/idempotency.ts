import { ApiError } from './problem';

/** The header that makes a retried change safe: the API answers it as the first time. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** A new key: a random UUID (from getRandomValues, which also works outside https). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The key of one user action, such as a form being sent: the same for a retry after no
 * answer came (the action may have been done: the API then answers as the first time), a
 * new one once an answer came (what is sent next is another action, even from the same form).
 */
export class ActionKey {
  private key = newIdempotencyKey();

  get current(): string {
    return this.key;
  }

  /** What the attempt ended with: a renewal unless it was left without an answer. */
  settled(failure?: unknown): void {
    const unanswered = failure instanceof ApiError && failure.status === 0;
    if (!unanswered) this.key = newIdempotencyKey();
  }
}

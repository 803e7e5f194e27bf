/** The answer a request got, kept to be given again to a retry of it. */
export interface RecordedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A request with an Idempotency-Key, as its caller sent it. */
export interface KeyedRequest {
  /** Whose key: keys of different callers never meet. */
  readonly caller: string;
  readonly key: string;
  /** What the request asks (method, path, body): the same key must always ask the same. */
  readonly fingerprint: string;
}

/**
 * `first`: nobody has used the key (or whoever did left it unfinished long ago): go on.
 * `in-progress`: a request with this key is being worked on. `answered`: it was, with this
 * answer. `other-request`: the key was used for a different request.
 */
export type KeyUse =
  | { readonly kind: 'first' }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'answered'; readonly answer: RecordedAnswer }
  | { readonly kind: 'other-request' };

/**
 * The Idempotency-Keys of the API's changes and the answers they got, shared by every gateway
 * instance, kept for a day at least.
 */
export interface IdempotencyRecords {
  /** Takes the key for this request, or says what it is taken for. */
  begin(request: KeyedRequest): Promise<KeyUse>;
  /** The request was answered: a retry gets this answer. */
  answered(request: KeyedRequest, answer: RecordedAnswer): Promise<void>;
  /** The request did nothing (a 5xx that says so, or it could not go on): the key is free. */
  release(request: KeyedRequest): Promise<void>;
}

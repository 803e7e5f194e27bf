import { createHash } from 'node:crypto';
import { describeError, Logger } from '@expedientes/shared-kernel';
import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { Request, RequestHandler, Response } from 'express';
import { IdempotencyRecords, KeyedRequest, RecordedAnswer } from '../ports/idempotency-records';
import { ProblemError } from '../problem-error';
import { callerOf } from '../security/caller-of-request';

/** The header of the IETF httpapi draft; a retry of a change sends the same one. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on an answer given again to a retry. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** Visible ASCII, as a UUID or any client's token is; the draft's quotes are optional. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
const CHANGES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Headers of an answer that a retry gets again. */
const KEPT_HEADERS = ['content-type', 'location', 'etag'];
/** Answers to changes are small documents; a larger one is not kept (the key is let go). */
const MAX_KEPT_BODY = 1024 * 1024;

export class InvalidIdempotencyKeyError extends ProblemError {
  constructor() {
    super(
      problem(400, `${IDEMPOTENCY_KEY_HEADER} debe tener de 1 a 255 caracteres ASCII visibles`, {
        code: 'API.IDEMPOTENCY_KEY_INVALID',
      }),
    );
  }
}

export class IdempotencyKeyInProgressError extends ProblemError {
  constructor() {
    super(
      problem(
        409,
        `Una petición con el mismo ${IDEMPOTENCY_KEY_HEADER} está en curso: ` +
          'repítala en unos segundos para recibir su respuesta',
        { code: 'API.IDEMPOTENCY_KEY_IN_PROGRESS' },
      ),
      { 'retry-after': '1' },
    );
  }
}

export class IdempotencyKeyReusedError extends ProblemError {
  constructor() {
    super(
      problem(
        422,
        `Este ${IDEMPOTENCY_KEY_HEADER} ya se usó para otra petición: use uno nuevo para cada operación`,
        { code: 'API.IDEMPOTENCY_KEY_REUSED' },
      ),
    );
  }
}

/** The request's Idempotency-Key, without the draft's optional quotes; undefined when absent or malformed. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req
    .get(IDEMPOTENCY_KEY_HEADER)
    ?.trim()
    .replace(/^"(.*)"$/, '$1');
  return key !== undefined && VALID_KEY.test(key) ? key : undefined;
}

/**
 * What a request asks, for telling a retry from another request under the same key: its
 * method and address, and its JSON body as parsed. An upload (multipart or raw bytes) is
 * told by its method, address and media type only: a browser sends the same form again
 * with another multipart boundary, so its bytes differ from one try to the next.
 */
function fingerprintOf(req: Request): string {
  const json = req.is('application/json') ? req.body : null;
  const mediaType = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  return createHash('sha256')
    .update(JSON.stringify([req.method, req.originalUrl, mediaType, json]))
    .digest('hex');
}

/**
 * Idempotency keys for the API's changes: the first request with a key is worked on and its
 * answer kept; a retry with the same key gets that answer again (with Idempotent-Replayed),
 * 409 while the first is still being worked on, 422 when it asks something else. An answer
 * of 5xx is not kept, so that a retry tries again. Keys belong to their caller.
 */
export function idempotentChanges(records: IdempotencyRecords, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const sent = req.get(IDEMPOTENCY_KEY_HEADER);
    const caller = callerOf(res);
    // Without a caller the route answers 401, and there is nothing to keep.
    if (sent === undefined || !CHANGES.has(req.method) || !caller) return next();
    const key = idempotencyKeyOf(req);
    if (key === undefined) return next(new InvalidIdempotencyKeyError());
    const request: KeyedRequest = {
      caller: caller.actor.userId,
      key,
      fingerprint: fingerprintOf(req),
    };
    records.begin(request).then((use) => {
      if (use.kind === 'first') {
        keepAnswer(res, (answer) =>
          (answer && answer.status < 500
            ? records.answered(request, answer)
            : records.release(request)
          ).catch((error: unknown) =>
            logger.error(
              { error: describeError(error), idempotencyKey: key },
              'could not keep the answer of an Idempotency-Key',
            ),
          ),
        );
        return next();
      }
      // The body of a request not worked on is read off, so the client hears the answer.
      req.resume();
      if (use.kind === 'answered') return replay(res, use.answer);
      next(
        use.kind === 'in-progress'
          ? new IdempotencyKeyInProgressError()
          : new IdempotencyKeyReusedError(),
      );
    }, next);
  };
}

/**
 * Hands `done` the answer as it is written (undefined when too large to keep), whether or
 * not the client is still there to receive it.
 */
function keepAnswer(res: Response, done: (answer: RecordedAnswer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const take = (chunk: unknown, encoding: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(
          chunk as string,
          (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding,
        );
    size += bytes.length;
    if (size <= MAX_KEPT_BODY) chunks.push(bytes);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.write = ((...args: unknown[]) => {
    take(args[0], args[1]);
    return write(...args);
  }) as Response['write'];
  res.end = ((...args: unknown[]) => {
    take(args[0], args[1]);
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = res.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    done(
      size <= MAX_KEPT_BODY
        ? { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') }
        : undefined,
    );
    return end(...args);
  }) as Response['end'];
}

function replay(res: Response, answer: RecordedAnswer): void {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader(REPLAYED_HEADER, 'true');
  res.end(answer.body);
}

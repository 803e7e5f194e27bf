import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describeError } from '@expedientes/shared-kernel';
import { requestContext } from '@expedientes/shared-kernel/adapters/runtime';
import { Response } from 'express';

/**
 * Sends `body` as it is produced, as fast as the client takes it. Once the first byte is out,
 * a failure can only cut the answer short, and is logged.
 */
export async function streamTo(
  body: Readable | AsyncIterable<string | Uint8Array>,
  res: Response,
): Promise<void> {
  try {
    await pipeline(body instanceof Readable ? body : Readable.from(body), res);
  } catch (error) {
    if (!res.headersSent) throw error;
    requestContext(res).logger.warn({ error: describeError(error) }, 'answer cut short');
  }
}

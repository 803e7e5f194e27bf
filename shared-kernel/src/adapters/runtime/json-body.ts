import { isUtf8 } from 'node:buffer';
import express, { RequestHandler } from 'express';
import { DomainError } from '../../domain/domain-error';

/** The body's bytes are not UTF-8: refused rather than stored with replacement characters. */
export class InvalidUtf8Error extends DomainError {
  constructor() {
    super('REQUEST.INVALID_UTF8', 'invalid', 'El cuerpo JSON no es texto UTF-8 válido');
  }
}

/** JSON bodies up to `limit`, in valid UTF-8 only (400 otherwise). */
export const jsonBody = (limit: string): RequestHandler =>
  express.json({
    limit,
    verify: (_req, _res, bytes) => {
      if (!isUtf8(bytes)) throw new InvalidUtf8Error();
    },
  });

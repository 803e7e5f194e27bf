import { randomBytes, timingSafeEqual } from 'node:crypto';
import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { ProblemError } from '../problem-error';
import { CSRF_HEADER } from './session-data';

/** Methods that change nothing: a cross-site page may make a browser send them harmlessly. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const changesState = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());

export const newCsrfToken = (): string => randomBytes(32).toString('base64url');

/** Whether `given` is the session's token, compared in constant time. */
export function csrfTokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A state-changing request of a browser session without its CSRF token: 403. */
export class CsrfTokenRefusedError extends ProblemError {
  constructor() {
    super(
      problem(
        403,
        `Falta el token CSRF de la sesión (cabecera ${CSRF_HEADER}, que da GET /api/v1/me) ` +
          'o no es el suyo',
        { code: 'AUTH.CSRF' },
      ),
    );
  }
}

import { DomainError } from '@expedientes/shared-kernel';
import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { ProblemError } from '../problem-error';

const KiB = 1024;
const MiB = KiB * KiB;
const legible = (bytes: number): string =>
  bytes >= MiB
    ? `${Math.round((bytes / MiB) * 10) / 10} MiB`
    : bytes >= KiB
      ? `${Math.round((bytes / KiB) * 10) / 10} KiB`
      : `${bytes} bytes`;

/** A file, or the whole upload, over the size the documents accept: 413. */
export class UploadTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    super(
      'API.UPLOAD_TOO_LARGE',
      'too_large',
      `Cada archivo puede ocupar como mucho ${legible(maxBytes)}`,
      { maxBytes },
    );
  }
}

/** A document of a type the browser is not given to show (it is downloaded instead): 409. */
export class NotPreviewableError extends DomainError {
  constructor(mediaType: string | undefined) {
    super(
      'API.DOCUMENTO_NO_PREVISUALIZABLE',
      'conflict',
      'Este documento no se puede ver en el navegador: descárguelo',
      { mediaType: mediaType ?? null },
    );
  }
}

/** A multipart body that cannot be read as a form: 400. */
export class MalformedFormError extends DomainError {
  constructor(reason: string) {
    super('API.FORM_MALFORMED', 'invalid', `El formulario no se puede leer: ${reason}`);
  }
}

/** The body is not of the media type the route takes: 415. */
export class UnsupportedMediaTypeError extends ProblemError {
  constructor(expected: string) {
    super(
      problem(415, `Esta operación recibe ${expected}`, {
        code: 'API.UNSUPPORTED_MEDIA_TYPE',
        accepted: expected,
      }),
    );
  }
}

/** A field error found outside a schema (two fields that depend on each other): 400. */
export const invalidField = (field: string, message: string): z.ZodError =>
  new z.ZodError([{ code: 'custom', path: [field], message, input: undefined }]);

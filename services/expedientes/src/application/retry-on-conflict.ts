import { VersionObsoletaError } from '../domain/errors';

/**
 * Runs `work` (load, decide, save) again when someone saved the expediente in between. For
 * changes the system makes on its own (a saga's step, a new version of a document): a user's
 * edit is refused instead. Past `attempts`, a plain Error: the caller's message is retried
 * later rather than taken as the model refusing.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof VersionObsoletaError)) throw error;
      if (attempt >= attempts) {
        throw new Error(`the expediente kept changing during ${attempts} attempts`, {
          cause: error,
        });
      }
    }
  }
}

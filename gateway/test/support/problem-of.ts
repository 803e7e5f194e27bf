import { Problem } from '@expedientes/shared-kernel/adapters/runtime';
import { ProblemError } from '../../src/problem-error';

/** The problem `promise` fails with; the test fails if it succeeds or fails otherwise. */
export async function problemOf(promise: Promise<unknown>): Promise<Problem> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return (error as ProblemError).problem;
}

import { Problem } from '@expedientes/shared-kernel/adapters/runtime';

/**
 * An answer that is already a problem document: a service's refusal passed on, or one of the
 * gateway's own (unsupported media type, too many requests, a service down). The error
 * middleware sends it as it is, with its headers.
 */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.detail);
    this.name = 'ProblemError';
  }
}

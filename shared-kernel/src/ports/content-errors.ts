import { DomainError } from '../domain/domain-error';

/** The content is longer than the store accepts; nothing of it was kept. */
export class ContentTooLargeError extends DomainError {
  constructor(readonly maxBytes: number) {
    super(
      'CONTENT.TOO_LARGE',
      'too_large',
      `The content is larger than the ${maxBytes} bytes allowed`,
      { maxBytes },
    );
    this.name = 'ContentTooLargeError';
  }
}

/** No stored content has this id (never stored, deleted, or not an id of this store). */
export class ContentNotFoundError extends DomainError {
  constructor(readonly contentId: string) {
    super('CONTENT.NOT_FOUND', 'not_found', `No content with id "${contentId}"`, { contentId });
    this.name = 'ContentNotFoundError';
  }
}

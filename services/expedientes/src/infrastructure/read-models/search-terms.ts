/** The words of a (normalised) search: each must appear in the code or the description. */
export const searchTermsOf = (q: string | undefined): string[] =>
  (q ?? '').split(/\s+/).filter(Boolean);

/** `%term%` for LIKE, with its wildcards taken literally. */
export const likePatternOf = (term: string): string => `%${term.replace(/[\\%_]/g, '\\$&')}%`;

/** A regular expression matching `term` literally. */
export const regexOf = (term: string): string => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

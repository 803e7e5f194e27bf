/**
 * Statements that take a list of any length (`IN (...)`, multi-row `VALUES`) are kept to a
 * few shapes: powers of two. The statement caches (this process's prepared statements on
 * SQLite; the server's on MySQL, which counts them against `max_prepared_stmt_count`) then
 * hold a handful of them, where one shape per length pushed the platform's other statements
 * out of SQLite's cache to be prepared again.
 */

/** The placeholders of an `IN` list of `values`, padded to a power of two with the last one
 * (a value twice in the list matches what it matched once). `values` must not be empty. */
export function inList<T>(values: readonly T[]): { readonly sql: string; readonly params: T[] } {
  const length = 2 ** Math.ceil(Math.log2(values.length));
  const params = Array.from({ length }, (_, index) => values[Math.min(index, values.length - 1)]);
  return { sql: `(${params.map(() => '?').join(', ')})`, params };
}

/** `rows` in pieces of powers of two, the largest first (13 rows: 8, 4 and 1). */
export function inPowersOfTwo<T>(rows: readonly T[]): T[][] {
  const pieces: T[][] = [];
  let start = 0;
  while (start < rows.length) {
    const size = 2 ** Math.floor(Math.log2(rows.length - start));
    pieces.push(rows.slice(start, start + size));
    start += size;
  }
  return pieces;
}

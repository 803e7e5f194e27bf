import { SqlDatabase, SqlExecutor } from '../../src/adapters/sql';

/** `db`, counting the queries (reads outside transactions) whose text has `fragment`. */
export function countingQueries<TDatabase extends SqlDatabase>(
  db: TDatabase,
  fragment: string,
): { db: TDatabase; count: () => number } {
  let count = 0;
  const counting: TDatabase = Object.create(db);
  counting.query = <TRow>(sql: string, params?: Parameters<SqlExecutor['query']>[1]) => {
    if (sql.includes(fragment)) count += 1;
    return db.query<TRow>(sql, params);
  };
  return { db: counting, count: () => count };
}

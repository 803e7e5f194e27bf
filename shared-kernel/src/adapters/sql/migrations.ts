import { Migration, SqlDialect, SqlExecutor } from './sql-database';

const historyTable: Record<SqlDialect, string> = {
  mysql: `CREATE TABLE IF NOT EXISTS schema_migrations (
    component VARCHAR(100) NOT NULL,
    version INT NOT NULL,
    name VARCHAR(200) NOT NULL,
    applied_at BIGINT NOT NULL,
    PRIMARY KEY (component, version)
  ) ENGINE=InnoDB`,
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (component, version)
  )`,
};

export const statementsOf = (migration: Migration, dialect: SqlDialect): readonly string[] =>
  Array.isArray(migration.up)
    ? (migration.up as readonly string[])
    : (migration.up as Readonly<Record<SqlDialect, readonly string[]>>)[dialect];

const checkOrder = (component: string, migrations: readonly Migration[]): void => {
  migrations.forEach((migration, index) => {
    if (index > 0 && migration.version <= migrations[index - 1].version) {
      throw new Error(`migrations of ${component} must have increasing versions`);
    }
  });
};

/**
 * Applies, in version order, the migrations of `component` not yet recorded. The caller makes
 * it exclusive (a transaction on SQLite, a named lock on MySQL, whose DDL commits implicitly).
 */
export async function applyMigrations(
  executor: SqlExecutor,
  component: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  checkOrder(component, migrations);
  await executor.execute(historyTable[executor.dialect]);
  const rows = await executor.query<{ version: number }>(
    'SELECT version FROM schema_migrations WHERE component = ?',
    [component],
  );
  const applied = new Set(rows.map((row) => Number(row.version)));
  const appliedNow: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    for (const statement of statementsOf(migration, executor.dialect)) {
      await executor.execute(statement);
    }
    await executor.execute(
      'INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)',
      [component, migration.version, migration.name, Date.now()],
    );
    appliedNow.push(migration.version);
  }
  return appliedNow;
}

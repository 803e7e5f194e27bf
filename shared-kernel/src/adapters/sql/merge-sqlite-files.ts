import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { basename } from 'node:path';

/** A SQLite file whose tables move into another one. */
export interface MergedFile {
  readonly path: string;
  /**
   * Tables (and their indexes, and their migrations' component) that take another name in
   * the target, where another file brings one of the same name: old name → new.
   */
  readonly renamed?: Readonly<Record<string, string>>;
}

/** Which files the target holds already: a merge interrupted after its commit is not redone. */
const MARKS = `CREATE TABLE IF NOT EXISTS merged_files (
  file TEXT PRIMARY KEY,
  merged_at INTEGER NOT NULL
)`;

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `sql` with each word that begins with an old name beginning with the new name instead. */
function renamedIn(sql: string, renamed: Readonly<Record<string, string>>): string {
  return Object.entries(renamed).reduce(
    (text, [from, to]) => text.replace(new RegExp(`\\b${from}`, 'g'), to),
    sql,
  );
}

interface SchemaObject {
  readonly type: 'table' | 'index' | 'trigger' | 'view';
  readonly name: string;
  readonly sql: string;
}

/** The definition of `name` in the target, if it has one. */
const definitionIn = (target: Database.Database, name: string): string | undefined =>
  (
    target.prepare('SELECT sql FROM main.sqlite_master WHERE name = ?').get(name) as
      { sql: string | null } | undefined
  )?.sql ?? undefined;

const alike = (one: string, other: string): boolean =>
  one.replace(/\s+/g, ' ') === other.replace(/\s+/g, ' ');

/** The file's FTS5 tables; any other kind of virtual table it cannot merge. */
function fullTextTables(objects: readonly SchemaObject[], file: MergedFile): string[] {
  return objects
    .filter((each) => /^CREATE VIRTUAL TABLE/i.test(each.sql))
    .map((each) => {
      if (!/USING\s+fts5/i.test(each.sql)) {
        throw new Error(`${file.path}: cannot merge the virtual table ${each.name}`);
      }
      return each.name;
    });
}

/** Creates the table unless the target has it alike already; true when its rows are to be copied. */
function createTable(target: Database.Database, file: MergedFile, table: SchemaObject): boolean {
  const renamed = file.renamed ?? {};
  const name = renamedIn(table.name, renamed);
  const definition = renamedIn(table.sql, renamed);
  const existing = definitionIn(target, name);
  // The migration history is shared as it is: its rows are merged one by one.
  if (table.name === 'schema_migrations') {
    if (existing === undefined) target.exec(definition);
    return false;
  }
  if (existing !== undefined && !alike(existing, definition)) {
    throw new Error(`${file.path}: ${name} is already defined otherwise`);
  }
  if (existing === undefined) target.exec(definition);
  return true;
}

/** The file's migration history, under the components' new names. */
function copyHistory(target: Database.Database, file: MergedFile): void {
  const renamed = file.renamed ?? {};
  const history = target
    .prepare('SELECT component, version, name, applied_at FROM merged.schema_migrations')
    .all() as Array<{ component: string; version: number; name: string; applied_at: number }>;
  const record = target.prepare(
    `INSERT OR IGNORE INTO main.schema_migrations (component, version, name, applied_at)
     VALUES (?, ?, ?, ?)`,
  );
  for (const row of history) {
    record.run(renamed[row.component] ?? row.component, row.version, row.name, row.applied_at);
  }
}

/**
 * Copies one file's tables, rows, indexes, triggers and migration history into `target`, as
 * one commit. A table the target has already, defined alike (an inbox that two services
 * keep), takes the file's rows beside its own. An FTS5 table is created anew and rebuilt from
 * its content table, its own tables not copied.
 */
function copyInto(target: Database.Database, file: MergedFile): void {
  const renamed = file.renamed ?? {};
  target.prepare('ATTACH DATABASE ? AS merged').run(file.path);
  try {
    target.transaction(() => {
      const objects = target
        .prepare(
          `SELECT type, name, sql FROM merged.sqlite_master
           WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
           ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid`,
        )
        .all() as SchemaObject[];
      const fullText = fullTextTables(objects, file);
      const ownedByFullText = (name: string) =>
        fullText.some((table) => name.startsWith(`${table}_`));
      for (const table of objects.filter((each) => each.type === 'table')) {
        if (ownedByFullText(table.name)) continue;
        if (!createTable(target, file, table) || fullText.includes(table.name)) continue;
        target.exec(
          `INSERT INTO main.${quoted(renamedIn(table.name, renamed))}
           SELECT * FROM merged.${quoted(table.name)}`,
        );
      }
      // Indexes and triggers after the rows: built once, and firing for none of them.
      for (const { name, sql } of objects.filter((each) => each.type !== 'table')) {
        if (definitionIn(target, renamedIn(name, renamed)) === undefined) {
          target.exec(renamedIn(sql, renamed));
        }
      }
      for (const table of fullText) {
        target.exec(`INSERT INTO main.${quoted(table)} (${quoted(table)}) VALUES ('rebuild')`);
      }
      copyHistory(target, file);
      target
        .prepare('INSERT INTO merged_files (file, merged_at) VALUES (?, ?)')
        .run(basename(file.path), Date.now());
    })();
  } finally {
    target.exec('DETACH DATABASE merged');
  }
}

/**
 * Moves the tables of `files` that exist into the SQLite file `target`, each file in one
 * commit that waits for the disk, then renames it `<name>.merged` (kept, not read again).
 * A merge interrupted before its commit is done again; after it, only the rename is left.
 * Returns the files merged now.
 */
export function mergeSqliteFiles(target: string, files: readonly MergedFile[]): string[] {
  const present = files.filter((file) => existsSync(file.path));
  if (present.length === 0) return [];
  const database = new Database(target);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.exec(MARKS);
    const isMerged = database.prepare('SELECT 1 FROM merged_files WHERE file = ?');
    for (const file of present) {
      if (!isMerged.get(basename(file.path))) {
        // Its write-ahead log into the file itself, which then holds everything.
        const source = new Database(file.path);
        source.pragma('wal_checkpoint(TRUNCATE)');
        source.close();
        copyInto(database, file);
      }
      renameSync(file.path, `${file.path}.merged`);
    }
  } finally {
    database.close();
  }
  return present.map((file) => file.path);
}

import { Migration, SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  generationTable,
  SqlExpedienteSearchIndex,
  TextMatch,
} from './sql-expediente-search-index';

/** An updated row's words, out of the text index and in again. */
const reindexed = `INSERT INTO search_expedientes_text
    (search_expedientes_text, rowid, codigo, descripcion, documentos)
  VALUES ('delete', old.seq, old.codigo, old.descripcion, old.documentos);
  INSERT INTO search_expedientes_text (rowid, codigo, descripcion, documentos)
  VALUES (new.seq, new.codigo, new.descripcion, new.documentos);`;

/**
 * An FTS5 index over the text columns of `search_expedientes`, kept in step by triggers.
 * `remove_diacritics 2` folds accents in the text and in the query alike, so `analisis`
 * finds `análisis`.
 */
const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'expedientes, their FTS5 index and the index generation',
    up: [
      `CREATE TABLE search_expedientes (
        seq INTEGER PRIMARY KEY,
        expediente_id TEXT NOT NULL UNIQUE,
        entry TEXT NOT NULL,
        codigo TEXT NOT NULL,
        descripcion TEXT NOT NULL,
        documentos TEXT NOT NULL,
        opcion_inicial TEXT,
        fase_codigo TEXT,
        estado TEXT,
        creado_at INTEGER
      )`,
      'CREATE INDEX search_expedientes_creado_at ON search_expedientes (creado_at)',
      `CREATE VIRTUAL TABLE search_expedientes_text USING fts5(
        codigo, descripcion, documentos,
        content = 'search_expedientes', content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2'
      )`,
      `CREATE TRIGGER search_expedientes_inserted AFTER INSERT ON search_expedientes BEGIN
        INSERT INTO search_expedientes_text (rowid, codigo, descripcion, documentos)
        VALUES (new.seq, new.codigo, new.descripcion, new.documentos);
      END`,
      `CREATE TRIGGER search_expedientes_deleted AFTER DELETE ON search_expedientes BEGIN
        INSERT INTO search_expedientes_text
          (search_expedientes_text, rowid, codigo, descripcion, documentos)
        VALUES ('delete', old.seq, old.codigo, old.descripcion, old.documentos);
      END`,
      `CREATE TRIGGER search_expedientes_updated AFTER UPDATE ON search_expedientes BEGIN
        ${reindexed}
      END`,
      ...generationTable,
    ],
  },
  {
    version: 2,
    name: 'the text index rewritten only when the text changes',
    // A phase change rewrote the expediente's words in the index (a new FTS5 segment to write,
    // and later to merge) although none of them had changed.
    up: [
      'DROP TRIGGER search_expedientes_updated',
      `CREATE TRIGGER search_expedientes_updated AFTER UPDATE ON search_expedientes
       WHEN old.codigo IS NOT new.codigo OR old.descripcion IS NOT new.descripcion
         OR old.documentos IS NOT new.documentos OR old.seq IS NOT new.seq
       BEGIN
        ${reindexed}
      END`,
    ],
  },
];

/** Each word as an FTS5 string (quotes doubled), matched as a prefix; all of them required. */
const fts5Query = (terms: readonly string[]): string =>
  terms.map((term) => `"${term.replace(/"/g, '""')}"*`).join(' AND ');

/** The search index of the embedded mode, on SQLite FTS5 ranked by bm25. */
export class SqliteExpedienteSearchIndex extends SqlExpedienteSearchIndex {
  // SQLite runs one write transaction at a time: a plain read is as good as a lock.
  protected readonly generationForUpdateSql =
    'SELECT generation FROM search_index_generation WHERE id = 1';
  protected readonly lockForUpdate = '';

  constructor(db: SqliteDatabase) {
    super(db, sqliteMigrations);
  }

  protected textMatch(terms: readonly string[]): TextMatch {
    return {
      join: 'JOIN search_expedientes_text ON search_expedientes_text.rowid = e.seq',
      condition: { sql: 'search_expedientes_text MATCH ?', params: [fts5Query(terms)] },
      // bm25 is lower for better matches.
      score: { sql: '-bm25(search_expedientes_text)', params: [] },
    };
  }
}

import { Migration, MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  generationTable,
  SqlExpedienteSearchIndex,
  TextMatch,
} from './sql-expediente-search-index';

/**
 * A FULLTEXT index over the text columns of `search_expedientes`. The utf8mb4_unicode_ci
 * collation folds case and accents, so `analisis` finds `análisis`. InnoDB's default stopword
 * list is English and drops words a Spanish user searches for ("de", "la", "en", also "the"
 * inside codes), so the index is built with an empty list of its own: InnoDB reads the
 * session's `innodb_ft_user_stopword_table` when the index is created (migrations run on
 * one connection). Words under innodb_ft_min_token_size (3) are not indexed: `searchTerms`
 * leaves them out of every search. Filters compare codes exactly (utf8mb4_bin), as SQLite does.
 */
const mysqlMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'expedientes, their FULLTEXT index and the index generation',
    up: [
      `CREATE TABLE search_fulltext_stopwords (value VARCHAR(30) NOT NULL) ENGINE=InnoDB
       DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      "SET SESSION innodb_ft_user_stopword_table = CONCAT(DATABASE(), '/search_fulltext_stopwords')",
      `CREATE TABLE search_expedientes (
        expediente_id VARCHAR(191) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
        entry LONGTEXT COLLATE utf8mb4_bin NOT NULL,
        codigo VARCHAR(191) NOT NULL,
        descripcion MEDIUMTEXT NOT NULL,
        documentos MEDIUMTEXT NOT NULL,
        opcion_inicial VARCHAR(50) COLLATE utf8mb4_bin NULL,
        fase_codigo VARCHAR(100) COLLATE utf8mb4_bin NULL,
        estado VARCHAR(20) COLLATE utf8mb4_bin NULL,
        creado_at BIGINT NULL,
        KEY search_expedientes_creado_at (creado_at),
        FULLTEXT KEY search_expedientes_text (codigo, descripcion, documentos)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      'SET SESSION innodb_ft_user_stopword_table = NULL',
      ...generationTable,
    ],
  },
];

/**
 * Each word required (`+`) as a prefix (`*`). `searchTerms` keeps only letters and digits, so
 * no operator of the boolean syntax (`+-<>()~*"@`) reaches the query from the user's text.
 */
const booleanQuery = (terms: readonly string[]): string =>
  terms.map((term) => `+${term}*`).join(' ');

/** The search index of the distributed mode, on MySQL/MariaDB FULLTEXT in boolean mode. */
export class MysqlExpedienteSearchIndex extends SqlExpedienteSearchIndex {
  // A shared lock: updates run side by side, and a rebuild waits for them (and they for it).
  protected readonly generationForUpdateSql =
    'SELECT generation FROM search_index_generation WHERE id = 1 LOCK IN SHARE MODE';
  // The rows' write locks, and the latest committed entries rather than the transaction's
  // snapshot. Two first updates of one expediente may then deadlock on the gap before its
  // row: InnoDB refuses one, and its consumer tries its messages again.
  protected readonly lockForUpdate = ' FOR UPDATE';

  constructor(db: MysqlDatabase) {
    super(db, mysqlMigrations);
  }

  protected textMatch(terms: readonly string[]): TextMatch {
    const match = {
      sql: 'MATCH (e.codigo, e.descripcion, e.documentos) AGAINST (? IN BOOLEAN MODE)',
      params: [booleanQuery(terms)],
    };
    return { join: '', condition: match, score: match };
  }
}

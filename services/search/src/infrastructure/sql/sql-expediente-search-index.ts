import {
  gatheredFlush,
  inboxMigrations,
  Migration,
  SqlDatabase,
  SqlExecutor,
  SqlInbox,
  SqlParam,
  TransactionOptions,
} from '@expedientes/shared-kernel/adapters/sql';
import {
  ExpedienteSearchIndex,
  indexConsumerGroup,
  IndexUpdate,
  IndexUpdateOutcome,
} from '../../domain/expediente-search-index';
import { IndexedExpediente } from '../../domain/indexed-expediente';
import { FoundExpediente, SearchFilters, SearchPage, SearchQuery } from '../../domain/search';

/** A piece of SQL with the parameters of its placeholders. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** How a store matches the words of a search against `search_expedientes e`. */
export interface TextMatch {
  /** Joined to `search_expedientes e`; empty when the store matches on the table itself. */
  readonly join: string;
  readonly condition: SqlFragment;
  /** Higher is more relevant. */
  readonly score: SqlFragment;
}

/**
 * Both stores keep one row per expediente in `search_expedientes`: the entry as JSON (what the
 * projection folds), the text columns the full-text index covers (codigo, descripcion,
 * documentos) and the columns filters and order use. `estado` is null for an entry that knows
 * only documents so far, which no search finds. `search_index_generation` holds the one row
 * with the current generation.
 */
export const generationTable = [
  'CREATE TABLE search_index_generation (id INT NOT NULL PRIMARY KEY, generation INT NOT NULL)',
  'INSERT INTO search_index_generation (id, generation) VALUES (1, 1)',
];

interface EntryRow {
  entry: string;
  score?: number | string | null;
}

/** An index update is redone when lost: the consumer's position is recorded after `durable()`. */
const redoneIfLost: TransactionOptions = { redoneIfLost: true };

/** One expediente's entry; each store adds how an update locks it (`entryForUpdateSql`). */
export const ENTRY_SQL = 'SELECT entry FROM search_expedientes WHERE expediente_id = ?';

const found = (row: EntryRow): FoundExpediente => JSON.parse(row.entry) as FoundExpediente;

/** The values of the columns that follow from an entry, in `entryColumns` order. */
const columnsOf = (view: IndexedExpediente): SqlParam[] => [
  JSON.stringify(view),
  view.datos?.codigo ?? '',
  view.datos?.descripcion ?? '',
  view.documentos.map((documento) => documento.nombre).join('\n'),
  view.datos?.opcionInicial ?? null,
  view.datos?.fase?.codigo ?? null,
  view.datos?.estado ?? null,
  view.datos ? Date.parse(view.datos.creadoAt) : null,
];
const entryColumns = [
  'entry',
  'codigo',
  'descripcion',
  'documentos',
  'opcion_inicial',
  'fase_codigo',
  'estado',
  'creado_at',
];

const filterConditions = (filters: SearchFilters): SqlFragment[] => {
  const conditions: SqlFragment[] = [{ sql: 'e.estado IS NOT NULL', params: [] }];
  const equal = (column: string, value: string | undefined): void => {
    if (value !== undefined) conditions.push({ sql: `e.${column} = ?`, params: [value] });
  };
  equal('fase_codigo', filters.fase);
  equal('estado', filters.estado);
  equal('opcion_inicial', filters.opcionInicial);
  if (filters.desde)
    conditions.push({ sql: 'e.creado_at >= ?', params: [filters.desde.getTime()] });
  if (filters.hasta)
    conditions.push({ sql: 'e.creado_at <= ?', params: [filters.hasta.getTime()] });
  return conditions;
};

/**
 * What the SQL stores share: the idempotent update (generation check, inbox and row in one
 * transaction), generations, filters, order and pages. Each store brings its own full-text
 * index and query syntax.
 */
export abstract class SqlExpedienteSearchIndex implements ExpedienteSearchIndex {
  private readonly inbox = new SqlInbox();
  /**
   * The consumer asks before it records where it got: on SQLite one flush serves the updates
   * of a short while; MySQL's commits are on the disk when they answer, nothing to wait for.
   */
  private readonly flushed: () => Promise<void>;

  protected constructor(
    private readonly db: SqlDatabase,
    private readonly migrations: readonly Migration[],
  ) {
    this.flushed = db.dialect === 'sqlite' ? gatheredFlush(() => db.flush()) : () => db.flush();
  }

  /** The store's full-text condition and score for the words of a search. */
  protected abstract textMatch(terms: readonly string[]): TextMatch;

  /**
   * Reads the generation inside an update's transaction so that a rebuild, which changes it,
   * waits for the update to commit or is waited for.
   */
  protected abstract readonly generationForUpdateSql: string;

  /**
   * Reads an expediente's entry inside an update's transaction, so that another update of it
   * (another replica's, from another topic) waits until this one commits: each folds its
   * event into what the other stored, and neither change is lost.
   */
  protected abstract readonly entryForUpdateSql: string;

  /** Creates or upgrades its tables and the inbox's. */
  async migrate(): Promise<void> {
    await this.db.migrate('inbox', inboxMigrations);
    await this.db.migrate('search-index', this.migrations);
  }

  async currentGeneration(): Promise<number> {
    return this.generationIn(
      this.db,
      'SELECT generation FROM search_index_generation WHERE id = 1',
    );
  }

  async startNextGeneration(): Promise<number> {
    return this.db.transaction(async (tx) => {
      // Writing first takes the row's lock before anything is read: two rebuilds queue up.
      await tx.execute(
        'UPDATE search_index_generation SET generation = generation + 1 WHERE id = 1',
      );
      const generation = await this.generationIn(tx, this.generationForUpdateSql);
      await tx.execute('DELETE FROM search_expedientes');
      // What the previous generation applied matters no more.
      await tx.execute('DELETE FROM inbox WHERE consumer = ?', [
        indexConsumerGroup(generation - 1),
      ]);
      return generation;
    });
  }

  update({
    generation,
    messageId,
    expedienteId,
    change,
  }: IndexUpdate): Promise<IndexUpdateOutcome> {
    return this.db.transaction(async (tx) => {
      if ((await this.generationIn(tx, this.generationForUpdateSql)) !== generation) return 'stale';
      if (!(await this.inbox.markProcessed(tx, indexConsumerGroup(generation), messageId))) {
        return 'duplicate';
      }
      const current = await this.entryIn(tx, expedienteId, this.entryForUpdateSql);
      const next = change(current);
      if (next === null) {
        if (current) {
          await tx.execute('DELETE FROM search_expedientes WHERE expediente_id = ?', [
            expedienteId,
          ]);
        }
      } else if (current) {
        await tx.execute(
          `UPDATE search_expedientes SET ${entryColumns.map((column) => `${column} = ?`).join(', ')}
           WHERE expediente_id = ?`,
          [...columnsOf(next), expedienteId],
        );
      } else {
        await tx.execute(
          `INSERT INTO search_expedientes (expediente_id, ${entryColumns.join(', ')})
           VALUES (?, ${entryColumns.map(() => '?').join(', ')})`,
          [expedienteId, ...columnsOf(next)],
        );
      }
      return 'applied';
    }, redoneIfLost);
  }

  durable(): Promise<void> {
    return this.flushed();
  }

  find(expedienteId: string): Promise<IndexedExpediente | null> {
    return this.entryIn(this.db, expedienteId, ENTRY_SQL);
  }

  async search({ terms, filters, page, pageSize }: SearchQuery): Promise<SearchPage> {
    const match = terms.length > 0 ? this.textMatch(terms) : undefined;
    const conditions = [...(match ? [match.condition] : []), ...filterConditions(filters)];
    const from = `FROM search_expedientes e ${match?.join ?? ''}
      WHERE ${conditions.map((condition) => condition.sql).join(' AND ')}`;
    const params = conditions.flatMap((condition) => condition.params);
    const score = match?.score ?? { sql: 'NULL', params: [] };
    const orderOf = (of: string): string =>
      `${match ? `${of}score DESC, ` : ''}${of}creado_at DESC, ${of}expediente_id`;
    // The page is chosen on the small columns alone, and only its rows' entries are read:
    // sorting every match with its entry cost more the more expedientes a word is in.
    const rows = await this.db.query<EntryRow>(
      `SELECT e.entry, page.score FROM (
         SELECT ${score.sql} AS score, e.creado_at, e.expediente_id ${from}
         ORDER BY ${orderOf('')} LIMIT ? OFFSET ?
       ) page JOIN search_expedientes e ON e.expediente_id = page.expediente_id
       ORDER BY ${orderOf('page.')}`,
      [...score.params, ...params, pageSize, (page - 1) * pageSize],
    );
    const [{ total }] = await this.db.query<{ total: number | string }>(
      `SELECT COUNT(*) AS total ${from}`,
      params,
    );
    return {
      hits: rows.map((row) => ({
        expediente: found(row),
        score: row.score == null ? null : Number(row.score),
      })),
      total: Number(total),
      page,
      pageSize,
    };
  }

  private async generationIn(executor: SqlExecutor, sql: string): Promise<number> {
    const [row] = await executor.query<{ generation: number | string }>(sql);
    return Number(row.generation);
  }

  private async entryIn(
    executor: SqlExecutor,
    expedienteId: string,
    sql: string,
  ): Promise<IndexedExpediente | null> {
    const [row] = await executor.query<EntryRow>(sql, [expedienteId]);
    return row ? (JSON.parse(row.entry) as IndexedExpediente) : null;
  }
}

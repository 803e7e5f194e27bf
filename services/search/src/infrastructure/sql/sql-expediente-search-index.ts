import {
  gatheredFlush,
  inboxMigrations,
  inList,
  inPowersOfTwo,
  Migration,
  SqlDatabase,
  SqlExecutor,
  SqlInbox,
  SqlDialect,
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

/** An entry written over the stored one, if there is one: its columns all take the new values. */
const upsertSql: Record<SqlDialect, string> = {
  mysql: `ON DUPLICATE KEY UPDATE ${entryColumns.map((column) => `${column} = VALUES(${column})`).join(', ')}`,
  sqlite: `ON CONFLICT (expediente_id) DO UPDATE SET ${entryColumns.map((column) => `${column} = excluded.${column}`).join(', ')}`,
};

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
   * What a read of entries inside an update's transaction ends with, so that another update
   * of them (another replica's, from another topic) waits until this one commits: each folds
   * its events into what the other stored, and no change is lost.
   */
  protected abstract readonly lockForUpdate: string;

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

  update(updates: readonly IndexUpdate[]): Promise<IndexUpdateOutcome[]> {
    if (updates.length === 0) return Promise.resolve([]);
    return this.db.transaction(async (tx) => {
      const generation = await this.generationIn(tx, this.generationForUpdateSql);
      const current = updates.filter((update) => update.generation === generation);
      const fresh = await this.inbox.markAllProcessed(
        tx,
        indexConsumerGroup(generation),
        current.map((update) => update.messageId),
      );
      const entries = await this.entriesIn(tx, [
        ...new Set(current.map((update) => update.expedienteId)),
      ]);
      const stored = new Set(entries.keys());
      const changed = new Set<string>();
      const outcomes = updates.map((update): IndexUpdateOutcome => {
        if (update.generation !== generation) return 'stale';
        // A message twice in one batch (published again) is applied once.
        if (!fresh.delete(update.messageId)) return 'duplicate';
        entries.set(update.expedienteId, update.change(entries.get(update.expedienteId) ?? null));
        changed.add(update.expedienteId);
        return 'applied';
      });
      await this.store(tx, changed, entries, stored);
      return outcomes;
    }, redoneIfLost);
  }

  durable(): Promise<void> {
    return this.flushed();
  }

  async find(expedienteId: string): Promise<IndexedExpediente | null> {
    const [row] = await this.db.query<EntryRow>(
      'SELECT entry FROM search_expedientes WHERE expediente_id = ?',
      [expedienteId],
    );
    return row ? (JSON.parse(row.entry) as IndexedExpediente) : null;
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

  /**
   * The stored entries of these expedientes, each row's write lock taken (see
   * `lockForUpdate`); absent ones have none.
   */
  private async entriesIn(
    tx: SqlExecutor,
    expedienteIds: readonly string[],
  ): Promise<Map<string, IndexedExpediente | null>> {
    if (expedienteIds.length === 0) return new Map();
    const among = inList(expedienteIds);
    const rows = await tx.query<EntryRow & { expediente_id: string }>(
      `SELECT expediente_id, entry FROM search_expedientes
       WHERE expediente_id IN ${among.sql}${this.lockForUpdate}`,
      among.params,
    );
    return new Map(
      rows.map((row) => [row.expediente_id, JSON.parse(row.entry) as IndexedExpediente]),
    );
  }

  /** Writes the entries `changed`: deleted, inserted or replaced, as few statements as it takes. */
  private async store(
    tx: SqlExecutor,
    changed: ReadonlySet<string>,
    entries: ReadonlyMap<string, IndexedExpediente | null>,
    stored: ReadonlySet<string>,
  ): Promise<void> {
    const removed = [...changed].filter((id) => entries.get(id) === null && stored.has(id));
    const kept = [...changed].flatMap((id) => {
      const entry = entries.get(id);
      return entry ? [[id, entry] as const] : [];
    });
    if (removed.length > 0) {
      const among = inList(removed);
      await tx.execute(
        `DELETE FROM search_expedientes WHERE expediente_id IN ${among.sql}`,
        among.params,
      );
    }
    const row = `(?, ${entryColumns.map(() => '?').join(', ')})`;
    for (const some of inPowersOfTwo(kept)) {
      await tx.execute(
        `INSERT INTO search_expedientes (expediente_id, ${entryColumns.join(', ')})
         VALUES ${some.map(() => row).join(', ')} ${upsertSql[tx.dialect]}`,
        some.flatMap(([id, entry]) => [id, ...columnsOf(entry)]),
      );
    }
  }
}

import { ordenDeVencimiento } from '@expedientes/shared-kernel';
import {
  gatheredFlush,
  Migration,
  SqlDatabase,
  SqlExecutor,
  SqlParam,
} from '@expedientes/shared-kernel/adapters/sql';
import { ExpedienteDetail } from '../../application/projections/expediente-detail';
import {
  ExpedienteListItem,
  listItemWithCurrentFields,
} from '../../application/projections/expediente-list';
import {
  ExpedienteReadModels,
  ListCriteria,
  ListSort,
  Page,
  Positioned,
  searchTextOf,
  StoredViews,
  totalOfPage,
  ViewsToWrite,
  ViewsWrite,
} from '../../application/projections/read-models';
import { likePatternOf, searchTermsOf } from './search-terms';

/**
 * The list as columns to filter and sort on, beside the whole view as JSON; the detail as JSON.
 * Each row keeps the position of the last event folded into it.
 */
export const readModelMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'expediente list and detail views',
    up: [
      `CREATE TABLE expediente_list (
        id TEXT NOT NULL PRIMARY KEY,
        codigo TEXT NOT NULL,
        estado TEXT NOT NULL,
        fase_codigo TEXT NULL,
        fase_nombre TEXT NULL,
        opcion_inicial TEXT NOT NULL,
        creado_at TEXT NOT NULL,
        search_text TEXT NOT NULL,
        position INTEGER NOT NULL,
        view TEXT NOT NULL
      )`,
      'CREATE INDEX expediente_list_creado_at ON expediente_list (creado_at)',
      'CREATE INDEX expediente_list_codigo ON expediente_list (codigo)',
      'CREATE INDEX expediente_list_fase ON expediente_list (fase_codigo)',
      `CREATE TABLE expediente_detail (
        id TEXT NOT NULL PRIMARY KEY,
        position INTEGER NOT NULL,
        view TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'the list in its default order, also by phase and state, from an index',
    up: [
      'DROP INDEX expediente_list_creado_at',
      'DROP INDEX expediente_list_fase',
      'CREATE INDEX expediente_list_creado_at ON expediente_list (creado_at, id)',
      'CREATE INDEX expediente_list_fase ON expediente_list (fase_codigo, creado_at, id)',
      'CREATE INDEX expediente_list_estado ON expediente_list (estado, creado_at, id)',
    ],
  },
  {
    version: 3,
    name: 'who each expediente is assigned to',
    up: [
      'ALTER TABLE expediente_list ADD COLUMN asignado_a TEXT NULL',
      'CREATE INDEX expediente_list_asignado_a ON expediente_list (asignado_a, creado_at, id)',
    ],
  },
  {
    version: 4,
    name: 'whom the comments of each expediente mention',
    up: [
      `CREATE TABLE expediente_list_mencion (
        username TEXT NOT NULL,
        expediente_id TEXT NOT NULL,
        PRIMARY KEY (username, expediente_id)
      )`,
    ],
  },
  {
    version: 5,
    name: 'the last day of each expediente’s plazo, to sort on',
    up: [
      // Rows of before plazos have none: they sort after every day (ordenDeVencimiento's).
      `ALTER TABLE expediente_list ADD COLUMN vencimiento_orden TEXT NOT NULL DEFAULT '9999-12-31'`,
      `CREATE INDEX expediente_list_vencimiento
         ON expediente_list (vencimiento_orden, creado_at, id)`,
    ],
  },
];

/** The columns of each order, before the id that settles what is left; a plazo's day, the oldest first. */
const sortColumns: Record<ListSort, readonly string[]> = {
  codigo: ['codigo'],
  creadoAt: ['creado_at'],
  fase: ['fase_nombre'],
  vencimiento: ['vencimiento_orden', 'creado_at'],
};

interface StoredRow {
  readonly position: number | string | bigint;
  readonly view: string;
}

const positioned = <TView>(row: StoredRow | undefined): Positioned<TView> | null =>
  row ? { view: JSON.parse(row.view) as TView, position: BigInt(row.position) } : null;

/** WHERE of the list, and its parameters, from the criteria. */
type Where = { readonly sql: string; readonly params: SqlParam[] };

function whereOf(criteria: ListCriteria): Where {
  const conditions: string[] = [];
  const params: SqlParam[] = [];
  const add = (condition: string, ...values: SqlParam[]): void => {
    conditions.push(condition);
    params.push(...values);
  };
  if (criteria.fase) add('fase_codigo = ?', criteria.fase);
  if (criteria.estado) add('estado = ?', criteria.estado);
  if (criteria.opcionInicial) add('opcion_inicial = ?', criteria.opcionInicial);
  if (criteria.codigo) add('codigo = ?', criteria.codigo);
  if (criteria.mencionado) {
    add(
      'id IN (SELECT expediente_id FROM expediente_list_mencion WHERE username = ?)',
      criteria.mencionado,
    );
  }
  if (criteria.asignadoA === null) add('asignado_a IS NULL');
  else if (criteria.asignadoA !== undefined) add('asignado_a = ?', criteria.asignadoA);
  if (criteria.desde) add('creado_at >= ?', criteria.desde);
  if (criteria.hastaAntesDe) add('creado_at < ?', criteria.hastaAntesDe);
  for (const term of searchTermsOf(criteria.q)) {
    add("search_text LIKE ? ESCAPE '\\'", likePatternOf(term));
  }
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** The read models of the embedded mode, in their own SQLite file. */
export class SqliteExpedienteReadModels implements ExpedienteReadModels {
  /** One flush for the writes of a moment: a checkpoint may trail by that much. */
  readonly durable: () => Promise<void>;

  constructor(private readonly db: SqlDatabase) {
    this.durable = gatheredFlush(() => db.flush());
  }

  migrate(): Promise<void> {
    return this.db.migrate('expediente-read-models', readModelMigrations);
  }

  async load(expedienteId: string): Promise<StoredViews> {
    const [list] = await this.db.query<StoredRow>(
      'SELECT position, view FROM expediente_list WHERE id = ?',
      [expedienteId],
    );
    const [detail] = await this.db.query<StoredRow>(
      'SELECT position, view FROM expediente_detail WHERE id = ?',
      [expedienteId],
    );
    return { listItem: positioned(list), detail: positioned(detail) };
  }

  /** Without waiting for the disk: what a power cut loses is projected again (`durable`). */
  async write(writes: readonly ViewsWrite[]): Promise<void> {
    await this.db.transaction(
      async (tx) => {
        for (const { expedienteId, views, position } of writes) {
          await this.writeOne(tx, expedienteId, views, position);
        }
      },
      { redoneIfLost: true },
    );
  }

  private async writeOne(
    tx: SqlExecutor,
    expedienteId: string,
    views: ViewsToWrite,
    position: bigint,
  ): Promise<void> {
    const { listItem, detail } = views;
    if (listItem) {
      // An expediente's code, initial option and creation time never change: left out of the
      // update, so that SQLite does not rewrite their indexes at every change of the view.
      await tx.execute(
        `INSERT INTO expediente_list
           (id, codigo, estado, fase_codigo, fase_nombre, opcion_inicial, creado_at, search_text,
            asignado_a, vencimiento_orden, position, view)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET
           estado = excluded.estado,
           fase_codigo = excluded.fase_codigo, fase_nombre = excluded.fase_nombre,
           search_text = excluded.search_text, asignado_a = excluded.asignado_a,
           vencimiento_orden = excluded.vencimiento_orden, position = excluded.position, view = excluded.view
         WHERE expediente_list.position < excluded.position`,
        [
          expedienteId,
          listItem.codigo,
          listItem.estado,
          listItem.fase?.codigo ?? null,
          listItem.fase?.nombre ?? null,
          listItem.opcionInicial,
          listItem.creadoAt,
          searchTextOf(listItem.codigo, listItem.descripcion),
          listItem.asignadoA,
          ordenDeVencimiento(listItem.vencimiento),
          position,
          JSON.stringify(listItem),
        ],
      );
    }
    // Mentions only add up: whatever order the writes come in, none is ever taken back.
    for (const username of listItem?.mencionados ?? []) {
      await tx.execute(
        `INSERT INTO expediente_list_mencion (username, expediente_id) VALUES (?, ?)
         ON CONFLICT DO NOTHING`,
        [username, expedienteId],
      );
    }
    if (detail) {
      await tx.execute(
        `INSERT INTO expediente_detail (id, position, view) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, view = excluded.view
         WHERE expediente_detail.position < excluded.position`,
        [expedienteId, position, JSON.stringify(detail)],
      );
    }
  }

  async clear(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute('DELETE FROM expediente_list');
      await tx.execute('DELETE FROM expediente_list_mencion');
      await tx.execute('DELETE FROM expediente_detail');
    });
  }

  async list(criteria: ListCriteria): Promise<Page<ExpedienteListItem>> {
    const where = whereOf(criteria);
    const direction = criteria.order === 'desc' ? 'DESC' : 'ASC';
    const rows = await this.db.query<{ view: string }>(
      `SELECT view FROM expediente_list ${where.sql}
       ORDER BY ${[...sortColumns[criteria.sort], 'id'].map((column) => `${column} ${direction}`).join(', ')}
       LIMIT ? OFFSET ?`,
      [...where.params, criteria.pageSize, (criteria.page - 1) * criteria.pageSize],
    );
    const total = totalOfPage(criteria, rows.length) ?? (await this.count(where));
    return {
      items: rows.map((row) =>
        listItemWithCurrentFields(JSON.parse(row.view) as ExpedienteListItem),
      ),
      total,
      page: criteria.page,
      pageSize: criteria.pageSize,
    };
  }

  private async count(where: Where): Promise<number> {
    const [count] = await this.db.query<{ total: number }>(
      `SELECT COUNT(*) AS total FROM expediente_list ${where.sql}`,
      where.params,
    );
    return Number(count?.total ?? 0);
  }

  async detail(expedienteId: string): Promise<ExpedienteDetail | null> {
    const [row] = await this.db.query<StoredRow>(
      'SELECT position, view FROM expediente_detail WHERE id = ?',
      [expedienteId],
    );
    return positioned<ExpedienteDetail>(row)?.view ?? null;
  }
}

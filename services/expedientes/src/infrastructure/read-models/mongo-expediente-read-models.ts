import { ordenDeVencimiento } from '@expedientes/shared-kernel';
import { ensureIndexes, IndexPlan } from '@expedientes/shared-kernel/adapters/mongodb';
import { chunksOf } from '@expedientes/shared-kernel/adapters/shared';
import { Collection, Db, Document, Filter, Long, MongoBulkWriteError } from 'mongodb';
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
  searchTextOf,
  StoredViews,
  totalOfPage,
  ViewsWrite,
} from '../../application/projections/read-models';
import { regexOf, searchTermsOf } from './search-terms';

const LIST = 'expediente_list';
const DETAIL = 'expediente_detail';

/** The list's fields at the top of each document, to filter and sort on; the detail as a whole. */
type ListDocument = ExpedienteListItem & {
  _id: string;
  searchText: string;
  /** See `ordenDeVencimiento`; absent from documents of before plazos. */
  vencimientoOrden?: string;
  position: Long;
};
/**
 * The detail as JSON text, as the embedded store keeps it: it is only ever read and written
 * whole, by its id, so the store has no use for its fields. Parsed as a document, its dozens
 * of nested fields were most of what FerretDB and its PostgreSQL did for each write and read
 * (a real MongoDB takes either at about the same cost). Documents written before hold the
 * view as a document, until the next rebuild.
 */
type DetailDocument = { _id: string; position: Long; view: string | ExpedienteDetail };

const detailOf = ({ view }: DetailDocument): ExpedienteDetail =>
  typeof view === 'string' ? (JSON.parse(view) as ExpedienteDetail) : view;

/** The list's default order, and the filters people use most with it, are served by an index. */
export const readModelIndexes: IndexPlan = {
  [LIST]: [
    { name: 'creadoAt', key: { creadoAt: -1, _id: -1 } },
    { name: 'codigo', key: { codigo: 1, _id: 1 } },
    { name: 'fase_creadoAt', key: { 'fase.codigo': 1, creadoAt: -1, _id: -1 } },
    { name: 'estado_creadoAt', key: { estado: 1, creadoAt: -1, _id: -1 } },
    { name: 'asignadoA_creadoAt', key: { asignadoA: 1, creadoAt: -1, _id: -1 } },
    { name: 'mencionados_creadoAt', key: { mencionados: 1, creadoAt: -1, _id: -1 } },
    { name: 'vencimientoOrden_creadoAt', key: { vencimientoOrden: 1, creadoAt: 1, _id: 1 } },
  ],
};

/** The fields of each order, before the id that settles what is left; a plazo's day, the oldest first. */
const sortFields: Record<ListSort, readonly string[]> = {
  codigo: ['codigo'],
  creadoAt: ['creadoAt'],
  fase: ['fase.nombre'],
  vencimiento: ['vencimientoOrden', 'creadoAt'],
};

const DUPLICATE_KEY = 11000;

/** The driver hands a Long back as a number when it fits, as a Long otherwise. */
const positionOf = (stored: Long | number): bigint => BigInt(stored.toString());

function filterOf(criteria: ListCriteria): Filter<ListDocument> {
  const filter: Document = {};
  if (criteria.fase) filter['fase.codigo'] = criteria.fase;
  if (criteria.estado) filter.estado = criteria.estado;
  if (criteria.opcionInicial) filter.opcionInicial = criteria.opcionInicial;
  if (criteria.codigo) filter.codigo = criteria.codigo;
  // null also matches the documents written before assignment existed, which have no field.
  if (criteria.asignadoA !== undefined) filter.asignadoA = criteria.asignadoA;
  if (criteria.mencionado) filter.mencionados = criteria.mencionado;
  if (criteria.desde || criteria.hastaAntesDe) {
    filter.creadoAt = {
      ...(criteria.desde ? { $gte: criteria.desde } : {}),
      ...(criteria.hastaAntesDe ? { $lt: criteria.hastaAntesDe } : {}),
    };
  }
  const terms = searchTermsOf(criteria.q);
  if (terms.length > 0) {
    filter.$and = terms.map((term) => ({ searchText: { $regex: regexOf(term) } }));
  }
  return filter as Filter<ListDocument>;
}

/**
 * The read models of the distributed mode, in MongoDB. Without transactions, each view is
 * written on its own, and only over a view folded from an earlier position: a replay after a
 * crash between the two writes redoes just the one that was missing.
 */
export class MongoExpedienteReadModels implements ExpedienteReadModels {
  private readonly listItems: Collection<ListDocument>;
  private readonly details: Collection<DetailDocument>;

  constructor(private readonly db: Db) {
    this.listItems = db.collection<ListDocument>(LIST);
    this.details = db.collection<DetailDocument>(DETAIL);
  }

  async load(expedienteId: string): Promise<StoredViews> {
    const [list, detail] = await Promise.all([
      this.listItems.findOne({ _id: expedienteId }),
      this.details.findOne({ _id: expedienteId }),
    ]);
    return {
      listItem: list ? { view: listItemOf(list), position: positionOf(list.position) } : null,
      detail: detail ? { view: detailOf(detail), position: positionOf(detail.position) } : null,
    };
  }

  /**
   * Each collection's views in bulk writes, both at once: the live projection writes an
   * event's views before it takes the next, and one after the other they held it for two
   * round trips. Each write is conditional on its own, so a crash or a failure of either
   * leaves the other for the replay to find done.
   */
  async write(writes: readonly ViewsWrite[]): Promise<void> {
    const lists: Array<ToWrite<ListDocument>> = [];
    const details: Array<ToWrite<DetailDocument>> = [];
    for (const { expedienteId, views, position, noneStored = false } of writes) {
      const at = Long.fromBigInt(position);
      const { listItem, detail } = views;
      if (listItem) {
        const document: ListDocument = {
          ...listItem,
          _id: expedienteId,
          searchText: searchTextOf(listItem.codigo, listItem.descripcion),
          vencimientoOrden: ordenDeVencimiento(listItem.vencimiento),
          position: at,
        };
        lists.push({ document, noneStored });
      }
      if (detail) {
        const document = { _id: expedienteId, position: at, view: JSON.stringify(detail) };
        details.push({ document, noneStored });
      }
    }
    // Both settled before a failure goes on: a retry must not race the other write.
    const written = await Promise.allSettled([
      writeViews(this.listItems, lists),
      writeViews(this.details, details),
    ]);
    for (const outcome of written) if (outcome.status === 'rejected') throw outcome.reason;
  }

  /** Acknowledged writes are journaled already (MongoDB's default write concern). */
  async durable(): Promise<void> {}

  /**
   * Drops both collections and makes them again with their indexes: deleting every document
   * one by one cost more than all the rebuild's inserts (FerretDB reads each before it
   * deletes it; MongoDB logs each deletion). A reader meanwhile finds no views, as it would
   * find fewer and fewer while they were deleted.
   */
  async clear(): Promise<void> {
    // The driver answers false, not an error, for a collection that is not there.
    await Promise.all([this.listItems.drop(), this.details.drop()]);
    await ensureIndexes(this.db, readModelIndexes);
  }

  async list(criteria: ListCriteria): Promise<Page<ExpedienteListItem>> {
    const filter = filterOf(criteria);
    const direction = criteria.order === 'desc' ? -1 : 1;
    const found = this.listItems
      .find(filter)
      .sort(
        Object.fromEntries(
          [...sortFields[criteria.sort], '_id'].map((field) => [field, direction]),
        ),
      )
      .skip((criteria.page - 1) * criteria.pageSize)
      .limit(criteria.pageSize)
      .toArray();
    let documents: ListDocument[];
    let total: number;
    if (Object.keys(filter).length === 0) {
      // Unfiltered, the collection's own count, asked alongside: counting every document
      // would grow with the list.
      [documents, total] = await Promise.all([found, this.listItems.estimatedDocumentCount()]);
    } else {
      documents = await found;
      total =
        totalOfPage(criteria, documents.length) ?? (await this.listItems.countDocuments(filter));
    }
    return {
      items: documents.map(listItemOf),
      total,
      page: criteria.page,
      pageSize: criteria.pageSize,
    };
  }

  async detail(expedienteId: string): Promise<ExpedienteDetail | null> {
    const document = await this.details.findOne({ _id: expedienteId });
    return document ? detailOf(document) : null;
  }
}

function listItemOf(document: ListDocument): ExpedienteListItem {
  return listItemWithCurrentFields({
    id: document.id,
    codigo: document.codigo,
    opcionInicial: document.opcionInicial,
    descripcion: document.descripcion,
    estado: document.estado,
    fase: document.fase,
    creadoAt: document.creadoAt,
    creadoPor: document.creadoPor,
    actualizadoAt: document.actualizadoAt,
    asignadoA: document.asignadoA,
    mencionados: document.mencionados,
    vencimiento: document.vencimiento,
    version: document.version,
  });
}

type PositionedDocument = { _id: string; position: Long };

/** A view to write, and whether none of its expediente was stored when it was folded. */
interface ToWrite<TDocument extends PositionedDocument> {
  readonly document: TDocument;
  readonly noneStored: boolean;
}

/**
 * Replacements go in bulk writes of at most this many. FerretDB v1, the MongoDB stand-in of
 * the test servers, holds one connection to PostgreSQL for each update of a bulk until the
 * bulk ends, out of a pool of 50: a bulk of 100, or the list's and the detail's bulks of 32
 * at once, took them all and left it waiting for one more, answering nobody (after an
 * overload, when the live projection had many expedientes in hand). Every replica projects,
 * on the same pool: two replicas' bulks at once stay well below it too. MongoDB takes any.
 */
const REPLACEMENTS_PER_BULK = 8;

/**
 * A rebuild's inserts go in bulk writes of this many, all at once: the store takes each bulk
 * in order on one connection (FerretDB on one PostgreSQL backend), so that one bulk of a
 * thousand kept one core busy while the other waited. With four at once, a rebuild on the
 * test servers went from about 9,600 to 10,500 events a second.
 */
const INSERTS_PER_BULK = 250;

/**
 * Inserts the views of which none was stored (one insert for all: a new expediente, or a
 * rebuild); every other view, and one whose insert met a view stored meanwhile, replaces the
 * stored one if that is older.
 */
async function writeViews<TDocument extends PositionedDocument>(
  collection: Collection<TDocument>,
  views: ReadonlyArray<ToWrite<TDocument>>,
): Promise<void> {
  const inserts = views.filter((view) => view.noneStored).map((view) => view.document);
  const replacements = views.filter((view) => !view.noneStored).map((view) => view.document);
  const storedMeanwhile = (
    await Promise.all(
      chunksOf(inserts, INSERTS_PER_BULK).map((some) => insertUnlessStored(collection, some)),
    )
  ).flat();
  await replaceIfOlder(collection, [...replacements, ...storedMeanwhile]);
}

/** Inserts the documents; returns those whose id was taken (the one refusal expected). */
function insertUnlessStored<TDocument extends PositionedDocument>(
  collection: Collection<TDocument>,
  documents: readonly TDocument[],
): Promise<TDocument[]> {
  return refusedForKeyAmong(documents, async (some) => {
    await collection.insertMany(some as Parameters<typeof collection.insertMany>[0], {
      ordered: false,
    });
  });
}

/**
 * Replaces each view unless the stored one is as new or newer (then its upsert hits the key,
 * which is the one refusal expected).
 */
async function replaceIfOlder<TDocument extends PositionedDocument>(
  collection: Collection<TDocument>,
  documents: readonly TDocument[],
): Promise<void> {
  for (const bulk of chunksOf(documents, REPLACEMENTS_PER_BULK)) {
    await refusedForKeyAmong(bulk, (some) =>
      collection.bulkWrite(
        some.map((document) => ({
          replaceOne: {
            filter: {
              _id: document._id,
              position: { $lt: document.position },
            } as Filter<TDocument>,
            replacement: document,
            upsert: true,
          },
        })),
        { ordered: false },
      ),
    );
  }
}

/**
 * Writes `documents` with one unordered bulk write; returns those refused for a key already
 * taken. The others are written again until none is refused: MongoDB writes all but the
 * refused (writing them again changes nothing), FerretDB writes none once one is refused.
 */
async function refusedForKeyAmong<TDocument>(
  documents: readonly TDocument[],
  write: (some: readonly TDocument[]) => Promise<unknown>,
): Promise<TDocument[]> {
  const refused: TDocument[] = [];
  let pending = documents;
  while (pending.length > 0) {
    try {
      await write(pending);
      break;
    } catch (error) {
      const indexes = refusedForKey(error, pending.length);
      if (!indexes) throw error;
      const out = new Set(indexes);
      refused.push(...pending.filter((_, index) => out.has(index)));
      pending = pending.filter((_, index) => !out.has(index));
    }
  }
  return refused;
}

/**
 * The indexes of the `count` writes that the store refused, if every refusal was for a key
 * already taken (all of them when the error does not say which); else undefined.
 */
function refusedForKey(error: unknown, count: number): number[] | undefined {
  if (error instanceof MongoBulkWriteError) {
    const refusals = [error.writeErrors].flat();
    const forKey = refusals.every((refusal) => refusal.code === DUPLICATE_KEY);
    return forKey ? refusals.map((refusal) => refusal.index) : undefined;
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === DUPLICATE_KEY ? Array.from({ length: count }, (_, index) => index) : undefined;
}

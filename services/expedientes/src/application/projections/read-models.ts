import { EstadoDeExpediente } from '../../domain/expediente';
import { OpcionInicial } from '../../domain/opcion-inicial';
import { ExpedienteDetail } from './expediente-detail';
import { ExpedienteListItem } from './expediente-list';

/** A view with the store position of the last event folded into it. */
export interface Positioned<TView> {
  readonly view: TView;
  readonly position: bigint;
}

export interface StoredViews {
  readonly listItem: Positioned<ExpedienteListItem> | null;
  readonly detail: Positioned<ExpedienteDetail> | null;
}

/** What a store holds of an expediente none of whose views it has. */
export const NO_VIEWS_STORED: StoredViews = { listItem: null, detail: null };

export interface ViewsToWrite {
  readonly listItem?: ExpedienteListItem;
  readonly detail?: ExpedienteDetail;
}

/** The views of one expediente, folded up to the event at `position`. */
export interface ViewsWrite {
  readonly expedienteId: string;
  readonly views: ViewsToWrite;
  readonly position: bigint;
  /**
   * No view of it was stored when it was folded (a new expediente, or a rebuild's first
   * batch with it): a store may insert them, and must still keep a newer view that another
   * writer stored meanwhile.
   */
  readonly noneStored?: boolean;
}

/** What folding views needs of a store: the live one, or what a rebuild holds in memory. */
export type ViewsStore = Pick<ExpedienteReadModels, 'load' | 'write'>;

export type ListSort = 'codigo' | 'creadoAt' | 'fase' | 'vencimiento';

export interface ListCriteria {
  readonly fase?: string;
  readonly estado?: EstadoDeExpediente;
  readonly opcionInicial?: OpcionInicial;
  /** This code exactly, as stored (in capitals). */
  readonly codigo?: string;
  /** ISO instants: created at or after `desde`, strictly before `hastaAntesDe`. */
  readonly desde?: string;
  readonly hastaAntesDe?: string;
  /** Assigned to this user; null: to nobody; absent: either. */
  readonly asignadoA?: string | null;
  /** Mentioned by this user's username in one of its comments. */
  readonly mencionado?: string;
  /** Words to find in the code or the description, as `searchTextOf` normalises them. */
  readonly q?: string;
  readonly sort: ListSort;
  readonly order: 'asc' | 'desc';
  /** From 1. */
  readonly page: number;
  readonly pageSize: number;
}

export interface Page<TItem> {
  readonly items: readonly TItem[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

/**
 * The total a page tells by itself, without counting: a page with items that is not full is
 * the last one, and an empty first page has no items before it. Undefined when only a count
 * knows (a full page, or one past the end). A search that finds a few expedientes, the usual
 * one, then costs one query instead of two, each of which reads every view its filter does
 * not narrow down through an index.
 */
export function totalOfPage(
  criteria: Pick<ListCriteria, 'page' | 'pageSize'>,
  found: number,
): number | undefined {
  if (found >= criteria.pageSize || (found === 0 && criteria.page > 1)) return undefined;
  return (criteria.page - 1) * criteria.pageSize + found;
}

/**
 * Where the list and detail views of the expedientes are kept (the query side). Writes are
 * idempotent: a view is only written over one folded from an earlier position, so an event
 * delivered again, or a replay, changes nothing.
 */
export interface ExpedienteReadModels {
  load(expedienteId: string): Promise<StoredViews>;
  /**
   * Writes each view given, unless the stored one is at its `position` or later already; all
   * of them at once (one transaction, where the store has them).
   */
  write(writes: readonly ViewsWrite[]): Promise<void>;
  /**
   * Resolves once every write so far is on the disk. A store may commit `write` without
   * waiting for the disk (the embedded one): the live projection stores its checkpoint, and
   * a rebuild answers, only after this.
   */
  durable(): Promise<void>;
  /** Empties every view: the first step of a rebuild. */
  clear(): Promise<void>;
  list(criteria: ListCriteria): Promise<Page<ExpedienteListItem>>;
  detail(expedienteId: string): Promise<ExpedienteDetail | null>;
}

/**
 * How the text search sees a code and description (and the words searched for): lower case,
 * without accents, so «Licencia» finds «licencia» and «tramitación» finds «tramitacion».
 */
export const searchTextOf = (...parts: readonly string[]): string =>
  parts
    .join(' ')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

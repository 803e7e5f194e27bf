/** The list's filters, kept in the URL's query so reloading or going back shows the same. */

export const ORDENES = ['reciente', 'antiguo', 'codigo', 'codigo-desc', 'fase'] as const;
export type Orden = (typeof ORDENES)[number];

const SORT_OF: Readonly<Record<Orden, { sort: string; order: 'asc' | 'desc' }>> = {
  reciente: { sort: 'creadoAt', order: 'desc' },
  antiguo: { sort: 'creadoAt', order: 'asc' },
  codigo: { sort: 'codigo', order: 'asc' },
  'codigo-desc': { sort: 'codigo', order: 'desc' },
  fase: { sort: 'fase', order: 'asc' },
};

export interface Filtros {
  readonly q: string;
  readonly fase: string;
  readonly estado: string;
  readonly opcionInicial: string;
  readonly desde: string;
  readonly hasta: string;
  readonly orden: Orden;
  readonly page: number;
}

export const PAGE_SIZE = 20;

export const SIN_FILTROS: Filtros = {
  q: '',
  fase: '',
  estado: '',
  opcionInicial: '',
  desde: '',
  hasta: '',
  orden: 'reciente',
  page: 1,
};

/** A route's query as vue-router gives it: values may repeat or be null. */
export type RouteQuery = Readonly<
  Record<string, string | null | ReadonlyArray<string | null> | undefined>
>;

const first = (value: RouteQuery[string]): string => {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one.trim() : '';
};

const isDay = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The filters in a URL's query; anything malformed is left out. */
export function filtrosFromQuery(query: RouteQuery): Filtros {
  const orden = first(query.orden);
  const page = Number(first(query.page));
  const day = (value: string): string => (isDay(value) ? value : '');
  return {
    q: first(query.q).slice(0, 200),
    fase: first(query.fase),
    estado: first(query.estado),
    opcionInicial: first(query.opcionInicial),
    desde: day(first(query.desde)),
    hasta: day(first(query.hasta)),
    orden: (ORDENES as readonly string[]).includes(orden) ? (orden as Orden) : SIN_FILTROS.orden,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The URL query for the filters: only what differs from no filter at all. */
export function queryFromFiltros(filtros: Filtros): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of Object.keys(SIN_FILTROS) as Array<keyof Filtros>) {
    if (filtros[key] !== SIN_FILTROS[key]) query[key] = String(filtros[key]);
  }
  return query;
}

/** The filters that narrow the list: not the search text, the sort or the page. */
const ACOTAN = ['fase', 'estado', 'opcionInicial', 'desde', 'hasta'] as const;

/** How many of the filters that narrow the list are in use. */
export const filtrosActivos = (filtros: Filtros): number =>
  ACOTAN.filter((key) => filtros[key]).length;

/** Full-text search (GET /search, by relevance) when there is text; otherwise the list. */
export const isSearch = (filtros: Filtros): boolean => filtros.q !== '';

/** The API call for the filters: its path and query. */
export function apiRequestOf(filtros: Filtros): {
  path: '/expedientes' | '/search';
  query: Record<string, string>;
} {
  const query: Record<string, string> = {
    page: String(filtros.page),
    pageSize: String(PAGE_SIZE),
  };
  for (const key of ACOTAN) {
    if (filtros[key]) query[key] = filtros[key];
  }
  if (isSearch(filtros)) return { path: '/search', query: { q: filtros.q, ...query } };
  return { path: '/expedientes', query: { ...query, ...SORT_OF[filtros.orden] } };
}

/** How many pages `total` rows fill (at least one, so an empty list is "page 1 of 1"). */
export const pageCount = (total: number): number => Math.max(1, Math.ceil(total / PAGE_SIZE));

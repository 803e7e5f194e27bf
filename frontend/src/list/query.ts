/** The list's filters, kept in the URL's query so reloading or going back shows the same. */

export const ORDENES = [
  'reciente',
  'antiguo',
  'codigo',
  'codigo-desc',
  'fase',
  'vencimiento',
] as const;
export type Orden = (typeof ORDENES)[number];

const SORT_OF: Readonly<Record<Orden, { sort: string; order: 'asc' | 'desc' }>> = {
  reciente: { sort: 'creadoAt', order: 'desc' },
  antiguo: { sort: 'creadoAt', order: 'asc' },
  codigo: { sort: 'codigo', order: 'asc' },
  'codigo-desc': { sort: 'codigo', order: 'desc' },
  fase: { sort: 'fase', order: 'asc' },
  // The API puts those without a plazo last.
  vencimiento: { sort: 'vencimiento', order: 'asc' },
};

/** Whose: anyone's (''), the signed-in user's, or nobody's. */
export const ASIGNACIONES = ['mios', 'sinAsignar'] as const;
export type Asignacion = '' | (typeof ASIGNACIONES)[number];

export interface Filtros {
  readonly q: string;
  readonly fase: string;
  readonly estado: string;
  readonly opcionInicial: string;
  readonly desde: string;
  readonly hasta: string;
  readonly asignado: Asignacion;
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
  asignado: '',
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
  const asignado = first(query.asignado);
  const page = Number(first(query.page));
  const day = (value: string): string => (isDay(value) ? value : '');
  return {
    q: first(query.q).slice(0, 200),
    fase: first(query.fase),
    estado: first(query.estado),
    opcionInicial: first(query.opcionInicial),
    desde: day(first(query.desde)),
    hasta: day(first(query.hasta)),
    asignado: (ASIGNACIONES as readonly string[]).includes(asignado)
      ? (asignado as Asignacion)
      : '',
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

/** The filters that narrow the list and both APIs take: not the text, the sort or the page. */
const ACOTAN = ['fase', 'estado', 'opcionInicial', 'desde', 'hasta'] as const;

/** How many of the filters that narrow the list are in use. */
export const filtrosActivos = (filtros: Filtros): number =>
  [...ACOTAN, 'asignado' as const].filter((key) => filtros[key]).length;

/**
 * Full-text search (GET /search, by relevance) when there is text; otherwise the list. The
 * search index does not know who has an expediente: filtered by that, the text goes to the
 * list's `q` (a code or description that contains it).
 */
export const isSearch = (filtros: Filtros): boolean => filtros.q !== '' && !filtros.asignado;

/** The filters that narrow both the list and a search, as query parameters. */
const acotadoPor = (filtros: Filtros): Record<string, string> =>
  Object.fromEntries(ACOTAN.filter((key) => filtros[key]).map((key) => [key, filtros[key]]));

/**
 * What the list shows for the filters, in its order, without the page (`yo`: the signed-in
 * user's username): also the CSV export's query, which reads the list, so a text search is
 * exported as the list's `q` (a code or description containing it).
 */
export function listQueryOf(filtros: Filtros, yo: string): Record<string, string> {
  const query = acotadoPor(filtros);
  if (filtros.q) query.q = filtros.q;
  if (filtros.asignado === 'mios') query.asignadoA = yo;
  if (filtros.asignado === 'sinAsignar') query.sinAsignar = 'true';
  return { ...query, ...SORT_OF[filtros.orden] };
}

/** The API call for the filters (`yo`: the signed-in user's username): its path and query. */
export function apiRequestOf(
  filtros: Filtros,
  yo: string,
): {
  path: '/expedientes' | '/search';
  query: Record<string, string>;
} {
  const page = { page: String(filtros.page), pageSize: String(PAGE_SIZE) };
  if (isSearch(filtros)) {
    return { path: '/search', query: { q: filtros.q, ...page, ...acotadoPor(filtros) } };
  }
  return { path: '/expedientes', query: { ...page, ...listQueryOf(filtros, yo) } };
}

/** How many pages `total` rows fill (at least one, so an empty list is "page 1 of 1"). */
export const pageCount = (total: number): number => Math.max(1, Math.ceil(total / PAGE_SIZE));

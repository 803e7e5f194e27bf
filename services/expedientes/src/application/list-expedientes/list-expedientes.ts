import { EstadoDeExpediente } from '../../domain/expediente';
import { OpcionInicial } from '../../domain/opcion-inicial';
import { ExpedienteListItem } from '../projections/expediente-list';
import {
  ExpedienteReadModels,
  ListCriteria,
  ListSort,
  Page,
  searchTextOf,
} from '../projections/read-models';

export interface ListExpedientesQuery {
  readonly fase?: string;
  readonly estado?: EstadoDeExpediente;
  readonly opcionInicial?: OpcionInicial;
  /** The expediente with this code, whatever its case: one lookup in an index, where `q` reads them all. */
  readonly codigo?: string;
  /** A day (`2025-03-01`, from its start) or an instant: created at or after it. */
  readonly desde?: string;
  /** A day (`2025-03-31`, to its end) or an instant: created at or before it. */
  readonly hasta?: string;
  readonly q?: string;
  /** Those assigned to this user. */
  readonly asignadoA?: string;
  /** Those assigned to nobody. */
  readonly sinAsignar?: boolean;
  /** Those whose comments mention this user. */
  readonly mencionado?: string;
  readonly sort?: ListSort;
  readonly order?: 'asc' | 'desc';
  readonly page?: number;
  readonly pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const dayOnly = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Days are whole UTC days. */
const startOf = (value: string): string => new Date(value).toISOString();
const endOf = (value: string): string =>
  new Date(new Date(value).getTime() + (dayOnly.test(value) ? DAY_MS : 1)).toISOString();

/** The list of expedientes, filtered, sorted (newest first by default) and paged. */
export class ListExpedientes {
  constructor(private readonly readModels: ExpedienteReadModels) {}

  execute(query: ListExpedientesQuery): Promise<Page<ExpedienteListItem>> {
    const q = query.q?.trim();
    const codigo = query.codigo?.trim().toUpperCase();
    const criteria: ListCriteria = {
      fase: query.fase,
      estado: query.estado,
      opcionInicial: query.opcionInicial,
      codigo: codigo || undefined,
      desde: query.desde === undefined ? undefined : startOf(query.desde),
      hastaAntesDe: query.hasta === undefined ? undefined : endOf(query.hasta),
      q: q ? searchTextOf(q) : undefined,
      asignadoA: query.sinAsignar ? null : query.asignadoA?.trim().toLowerCase(),
      mencionado: query.mencionado?.trim().toLowerCase(),
      sort: query.sort ?? 'creadoAt',
      order: query.order ?? (query.sort === undefined ? 'desc' : 'asc'),
      page: Math.max(1, query.page ?? 1),
      pageSize: Math.min(MAX_PAGE_SIZE, Math.max(1, query.pageSize ?? DEFAULT_PAGE_SIZE)),
    };
    return this.readModels.list(criteria);
  }
}

import { Actor } from '@expedientes/shared-kernel';
import { requireRole, STAFF_ROLES } from '@expedientes/shared-kernel/adapters/runtime';
import { RebuildSearchIndex } from '../../application/rebuild-index/rebuild-search-index';
import { SearchExpedientes } from '../../application/search-expedientes/search-expedientes';
import { SearchHit, SearchPage } from '../../domain/search';
import { parseSearchParams } from './search-params';

const itemOf = ({ expediente, score }: SearchHit) => {
  const { datos } = expediente;
  return {
    expedienteId: expediente.expedienteId,
    codigo: datos.codigo,
    descripcion: datos.descripcion,
    opcionInicial: datos.opcionInicial,
    fase: datos.fase,
    estado: datos.estado,
    creadoPor: datos.creadoPor,
    creadoAt: datos.creadoAt,
    actualizadoAt: expediente.actualizadoAt,
    documentos: expediente.documentos.map(({ documentId, nombre }) => ({ documentId, nombre })),
    score,
  };
};

export type SearchItem = ReturnType<typeof itemOf>;

const responseOf = ({ hits, total, page, pageSize }: SearchPage) => ({
  items: hits.map(itemOf),
  total,
  page,
  pageSize,
});

export type SearchResponse = ReturnType<typeof responseOf>;

/** Who calls, as the transport established it (a verified token). */
export interface EndpointCaller {
  readonly actor: Actor;
}

/**
 * The service's API apart from its transport: the search for the staff roles (as the public
 * API), its criteria as a query string carries them; the rebuild, which the use case keeps to
 * administrators. The HTTP router serves it; the embedded gateway calls it in its own process.
 */
export class SearchEndpoints {
  constructor(
    private readonly searchExpedientes: SearchExpedientes,
    private readonly rebuildIndex: RebuildSearchIndex,
  ) {}

  /** A ZodError (a 400 with field errors) when `query` is invalid. */
  async search(query: Record<string, unknown>, caller: EndpointCaller): Promise<SearchResponse> {
    this.staff(caller);
    return responseOf(await this.searchExpedientes.execute(parseSearchParams(query)));
  }

  rebuild(caller: EndpointCaller) {
    this.staff(caller);
    return this.rebuildIndex.execute(caller.actor);
  }

  private staff(caller: EndpointCaller): void {
    requireRole(caller.actor, STAFF_ROLES, 'buscar expedientes');
  }
}

import {
  actorOf,
  handle,
  requireRoles,
  STAFF_ROLES,
} from '@expedientes/shared-kernel/adapters/runtime';
import { Router } from 'express';
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

/** GET /search for the staff roles (as the public API); POST /admin/rebuild for administrators. */
export function searchRouter(search: SearchExpedientes, rebuild: RebuildSearchIndex): Router {
  const router = Router();
  router.use(requireRoles(STAFF_ROLES, 'buscar expedientes'));
  router.get(
    '/search',
    handle(async (req, res) => {
      const query = parseSearchParams(req.query as Record<string, unknown>);
      res.json(responseOf(await search.execute(query)));
    }),
  );
  router.post(
    '/admin/rebuild',
    handle(async (_req, res) => {
      res.status(202).json(await rebuild.execute(actorOf(res)));
    }),
  );
  return router;
}

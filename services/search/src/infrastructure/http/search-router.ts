import { actorOf, handle } from '@expedientes/shared-kernel/adapters/runtime';
import { Router } from 'express';
import { SearchEndpoints } from '../api/search-endpoints';

/** GET /search for the staff roles (as the public API); POST /admin/rebuild for administrators. */
export function searchRouter(endpoints: SearchEndpoints): Router {
  const router = Router();
  router.get(
    '/search',
    handle(async (req, res) => {
      res.json(
        await endpoints.search(req.query as Record<string, unknown>, { actor: actorOf(res) }),
      );
    }),
  );
  router.post(
    '/admin/rebuild',
    handle(async (_req, res) => {
      res.status(202).json(await endpoints.rebuild({ actor: actorOf(res) }));
    }),
  );
  return router;
}

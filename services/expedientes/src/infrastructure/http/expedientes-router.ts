import { actorOf, handle, requestContext } from '@expedientes/shared-kernel/adapters/runtime';
import { Request, Response, Router } from 'express';
import { SagaCommandOutcome } from '../../application/sagas/saga-runner';
import { EndpointCaller, ExpedientesEndpoints } from '../api/expedientes-endpoints';

/** `If-Match: "3"` (or W/"3"), the ETag the detail was served with. */
const versionIn = (header: string | undefined): number | undefined => {
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
};

const etagOf = (version: number): string => `"${version}"`;

/** Visible ASCII, 1 to 255 characters: what the gateway lets through as an Idempotency-Key. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The expedientes API over HTTP (internal; the gateway is the public face). Commands that run
 * a saga answer 201/200 with the outcome when it ends in time, and 202 with the saga to follow
 * otherwise; refusals come out as problems through the service's error middleware.
 */
export function expedientesRouter(endpoints: ExpedientesEndpoints): Router {
  const router = Router();
  const callerOf = (res: Response): EndpointCaller => {
    const key = res.req.get('idempotency-key');
    return {
      actor: actorOf(res),
      correlationId: requestContext(res).correlationId,
      // The gateway checks the key's form; one of another form is not a key.
      ...(key !== undefined && IDEMPOTENCY_KEY.test(key) ? { idempotencyKey: key } : {}),
    };
  };
  /** Locations are relative to where the host mounts this router (`req.baseUrl`). */
  const answer = <TResult>(
    req: Request,
    res: Response,
    outcome: SagaCommandOutcome<TResult>,
    done: { status: number; location?: (result: TResult) => string },
  ): void => {
    if (outcome.status === 'accepted') {
      res
        .status(202)
        .location(`${req.baseUrl}/sagas/${outcome.sagaId}`)
        .json({ sagaId: outcome.sagaId, estado: 'running' });
      return;
    }
    if (done.location) res.location(`${req.baseUrl}${done.location(outcome.result)}`);
    res.status(done.status).json(outcome.result);
  };
  const idOf = (req: Request): string => String(req.params.id);

  router.post(
    '/expedientes',
    handle(async (req, res) => {
      answer(req, res, await endpoints.open(req.body, callerOf(res)), {
        status: 201,
        location: (result) => `/expedientes/${result.expedienteId}`,
      });
    }),
  );

  router.get(
    '/expedientes',
    handle(async (req, res) => {
      res.json(await endpoints.list(req.query, callerOf(res)));
    }),
  );

  router.get(
    '/expedientes/:id',
    handle(async (req, res) => {
      const detail = await endpoints.get(idOf(req), req.query, callerOf(res));
      if (req.query.asOf === undefined) res.setHeader('ETag', etagOf(detail.version));
      res.json(detail);
    }),
  );

  router.patch(
    '/expedientes/:id',
    handle(async (req, res) => {
      const ifMatch = versionIn(req.header('if-match'));
      const edited = await endpoints.edit(idOf(req), req.body, ifMatch, callerOf(res));
      res.setHeader('ETag', etagOf(edited.version));
      res.json(edited);
    }),
  );

  router.post(
    '/expedientes/:id/comments',
    handle(async (req, res) => {
      res.status(201).json(await endpoints.comment(idOf(req), req.body, callerOf(res)));
    }),
  );

  router.put(
    '/expedientes/:id/assignee',
    handle(async (req, res) => {
      res.json(await endpoints.assign(idOf(req), req.body, callerOf(res)));
    }),
  );

  router.post(
    '/expedientes/:id/transitions',
    handle(async (req, res) => {
      answer(req, res, await endpoints.transition(idOf(req), req.body, callerOf(res)), {
        status: 200,
      });
    }),
  );

  router.post(
    '/expedientes/:id/documents',
    handle(async (req, res) => {
      answer(req, res, await endpoints.attach(idOf(req), req.body, callerOf(res)), {
        status: 201,
      });
    }),
  );

  router.get(
    '/expedientes/:id/history',
    handle(async (req, res) => {
      res.json(await endpoints.history(idOf(req), callerOf(res)));
    }),
  );

  router.get(
    '/sagas/:id',
    handle(async (req, res) => {
      res.json(await endpoints.saga(idOf(req), callerOf(res)));
    }),
  );

  router.post(
    '/admin/rebuild-read-models',
    handle(async (_req, res) => {
      res.json(await endpoints.rebuildReadModels(callerOf(res)));
    }),
  );

  return router;
}

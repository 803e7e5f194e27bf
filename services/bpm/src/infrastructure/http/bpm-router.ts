import express from 'express';
import { actorOf, handle } from '@expedientes/shared-kernel/adapters/runtime';
import { BpmEndpoints } from '../api/bpm-endpoints';

/**
 * bpm's HTTP API (behind the host's authentication):
 * - GET /procesos/:expedienteId: current phase, history, and the transitions the caller may take
 * - GET /procedimientos: every procedure with its newest version
 * - GET /procedimientos/:codigo[?version=N]: a procedure definition
 * - GET /fases-con-tareas: the phases in which the caller's roles may move a process on
 */
export function bpmRouter(endpoints: BpmEndpoints): express.Router {
  const router = express.Router();
  const callerOf = (res: express.Response) => ({ actor: actorOf(res) });
  router.get(
    '/procesos/:expedienteId',
    handle(async (req, res) => {
      res.json(await endpoints.proceso(String(req.params.expedienteId), callerOf(res)));
    }),
  );
  router.get(
    '/procedimientos',
    handle(async (_req, res) => {
      res.json(endpoints.procedimientos(callerOf(res)));
    }),
  );
  router.get(
    '/procedimientos/:codigo',
    handle(async (req, res) => {
      res.json(endpoints.procedimiento(String(req.params.codigo), req.query, callerOf(res)));
    }),
  );
  router.get(
    '/fases-con-tareas',
    handle(async (_req, res) => {
      res.json(endpoints.fasesConTareas(callerOf(res)));
    }),
  );
  return router;
}

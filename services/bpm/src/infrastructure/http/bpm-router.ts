import express from 'express';
import { z } from 'zod';
import {
  actorOf,
  handle,
  requireRoles,
  STAFF_ROLES,
} from '@expedientes/shared-kernel/adapters/runtime';
import { GetProcedureQuery } from '../../application/get-procedure/get-procedure-query';
import { GetProcessQuery } from '../../application/get-process/get-process-query';
import { ListProceduresQuery } from '../../application/list-procedures/list-procedures-query';
import { PhasesWithTasksQuery } from '../../application/phases-with-tasks/phases-with-tasks-query';

const procedureQuery = z.object({ version: z.coerce.number().int().positive().optional() });

/**
 * bpm's HTTP API (behind the host's authentication; for the staff roles, as the public API):
 * - GET /procesos/:expedienteId: current phase, history, and the transitions the caller may take
 * - GET /procedimientos: every procedure with its newest version
 * - GET /procedimientos/:codigo[?version=N]: a procedure definition
 * - GET /fases-con-tareas: the phases in which the caller's roles may move a process on
 */
export function bpmRouter(queries: {
  readonly proceso: GetProcessQuery;
  readonly procedimientos: ListProceduresQuery;
  readonly procedimiento: GetProcedureQuery;
  readonly fasesConTareas: PhasesWithTasksQuery;
}): express.Router {
  const router = express.Router();
  router.use(requireRoles(STAFF_ROLES, 'los procesos'));
  router.get(
    '/procesos/:expedienteId',
    handle(async (req, res) => {
      res.json(await queries.proceso.handle(req.params.expedienteId as string, actorOf(res)));
    }),
  );
  router.get(
    '/procedimientos',
    handle(async (_req, res) => {
      res.json({ procedimientos: queries.procedimientos.handle() });
    }),
  );
  router.get(
    '/procedimientos/:codigo',
    handle(async (req, res) => {
      const { version } = procedureQuery.parse(req.query);
      res.json(queries.procedimiento.handle(req.params.codigo as string, version));
    }),
  );
  router.get(
    '/fases-con-tareas',
    handle(async (_req, res) => {
      res.json({ fases: queries.fasesConTareas.handle(actorOf(res).roles) });
    }),
  );
  return router;
}

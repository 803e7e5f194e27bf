import { Actor } from '@expedientes/shared-kernel';
import { requireRole, STAFF_ROLES } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { GetProcedureQuery } from '../../application/get-procedure/get-procedure-query';
import { GetProcessQuery } from '../../application/get-process/get-process-query';
import { ListProceduresQuery } from '../../application/list-procedures/list-procedures-query';
import { PhasesWithTasksQuery } from '../../application/phases-with-tasks/phases-with-tasks-query';

export interface BpmQueries {
  readonly proceso: GetProcessQuery;
  readonly procedimientos: ListProceduresQuery;
  readonly procedimiento: GetProcedureQuery;
  readonly fasesConTareas: PhasesWithTasksQuery;
}

/** Who calls, as the transport established it (a verified token). */
export interface EndpointCaller {
  readonly actor: Actor;
}

const procedureQuery = z.object({ version: z.coerce.number().int().positive().optional() });

/**
 * bpm's API apart from its transport, for the staff roles (as the public API). The HTTP router
 * serves it; the embedded gateway calls it in its own process.
 */
export class BpmEndpoints {
  constructor(private readonly queries: BpmQueries) {}

  /** The current phase, the history, and the transitions the caller may take. */
  proceso(expedienteId: string, caller: EndpointCaller) {
    this.staff(caller);
    return this.queries.proceso.handle(expedienteId, caller.actor);
  }

  /** Every procedure with its newest version. */
  procedimientos(caller: EndpointCaller) {
    this.staff(caller);
    return { procedimientos: this.queries.procedimientos.handle() };
  }

  /** A procedure's definition: `query.version`, or its newest. */
  procedimiento(codigo: string, query: unknown, caller: EndpointCaller) {
    this.staff(caller);
    const { version } = procedureQuery.parse(query);
    return this.queries.procedimiento.handle(codigo, version);
  }

  /** The phases in which the caller's roles may move a process on. */
  fasesConTareas(caller: EndpointCaller) {
    this.staff(caller);
    return { fases: this.queries.fasesConTareas.handle(caller.actor.roles) };
  }

  private staff(caller: EndpointCaller): void {
    requireRole(caller.actor, STAFF_ROLES, 'los procesos');
  }
}

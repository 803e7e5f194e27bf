import { Actor, ForbiddenError, SagaContext } from '@expedientes/shared-kernel';
import { Autoria, Quien } from '../domain/expediente';
import { Causa } from '../domain/expediente-repository';

/** Who asks for a command and in which conversation: what every use case is handed. */
export interface RequestMetadata {
  readonly actor: Actor;
  readonly correlationId: string;
  /** Id of the request itself: the cause of what it records and sends. */
  readonly requestId: string;
  /**
   * The caller's Idempotency-Key for this command, when it sent one: a retry with the same key
   * gets what the first try started, never a second saga.
   */
  readonly idempotencyKey?: string;
}

export const causaOfRequest = (request: RequestMetadata): Causa => ({
  actor: request.actor,
  correlationId: request.correlationId,
  causationId: request.requestId,
});

export const causaOfSaga = (context: SagaContext): Causa => ({
  actor: context.actor,
  correlationId: context.correlationId,
  causationId: context.causationId,
});

export const autoria = (actor: Actor, at: Date): Autoria => ({ por: actor.userId, at });

export const quienOf = (actor: Actor): Quien => ({
  usuario: actor.userId,
  administra: actor.roles.some((role) => ROLES_DE_ADMINISTRACION.includes(role)),
});

/** Who may change expedientes: phase changes are the procedure's to allow, per transition. */
export const ROLES_QUE_TRAMITAN: readonly string[] = ['tramitador', 'admin'];
export const ROLES_DE_ADMINISTRACION: readonly string[] = ['admin'];
/** Who may see expedientes, and so comment on them. */
export const ROLES_DEL_PERSONAL: readonly string[] = ['tramitador', 'validador', 'admin'];

export function requireRole(actor: Actor, roles: readonly string[], accion: string): void {
  if (actor.roles.some((role) => roles.includes(role))) return;
  const quienes = roles.map((role) => `un ${role}`).join(' o ');
  throw new ForbiddenError(`Solo ${quienes} puede ${accion}`, { roles: [...roles] });
}

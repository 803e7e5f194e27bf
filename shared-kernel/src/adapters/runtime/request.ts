import { Request, RequestHandler, Response } from 'express';
import { Actor } from '../../messaging/envelope';
import { ForbiddenError, UnauthenticatedError } from '../../ports/identity';
import { Logger } from '../../ports/logger';

/** Something a service needs to do its work: its store, the bus. Readiness asks each. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** What every request handler can rely on, set by the service's middleware. */
export interface RequestContext {
  readonly correlationId: string;
  readonly logger: Logger;
  /** Present on authenticated routes. */
  readonly actor?: Actor;
}

export const requestContext = (res: Response): RequestContext =>
  res.locals.context as RequestContext;

/** The authenticated actor of a request; only on routes behind `authenticate`. */
export const actorOf = (res: Response): Actor => {
  const { actor } = requestContext(res);
  if (!actor) throw new UnauthenticatedError('Esta operación necesita un usuario identificado');
  return actor;
};

/** Wraps an async handler so its rejection reaches the error middleware. */
export const handle =
  (handler: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    handler(req, res).catch(next);
  };

/** Everybody who works with expedientes: whoever holds none of these roles has no business here. */
export const STAFF_ROLES: readonly string[] = ['tramitador', 'validador', 'admin'];

/** Refuses an actor without one of `roles` (for `what` they would do) with a 403. */
export function requireRole(actor: Actor, roles: readonly string[], what: string): void {
  if (actor.roles.some((role) => roles.includes(role))) return;
  throw new ForbiddenError(`Hace falta el rol ${roles.join(' o ')} para ${what}`, {
    roles: [...roles],
  });
}

/**
 * Lets a request through only for an actor with one of `roles`, before the route reads any of
 * it, so that a caller without them learns nothing from a 400 (as at the gateway). The use
 * cases that need a role check it again.
 */
export const requireRoles =
  (roles: readonly string[], what: string): RequestHandler =>
  (_req, res, next) => {
    try {
      requireRole(actorOf(res), roles, what);
      next();
    } catch (error) {
      next(error);
    }
  };

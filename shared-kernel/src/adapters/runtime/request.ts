import { Request, RequestHandler, Response } from 'express';
import { Actor } from '../../messaging/envelope';
import { UnauthenticatedError } from '../../ports/identity';
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

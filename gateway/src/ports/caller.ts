import { Actor } from '@expedientes/shared-kernel';

/**
 * Who makes a request, as the authentication step established it: the actor, for the
 * gateway's own decisions, and the bearer token that proves it to the services behind, which
 * verify it themselves. Today the token comes from the `Authorization` header; a browser
 * session will keep one on the server and yield the same.
 */
export interface Caller {
  readonly actor: Actor;
  readonly token: string;
}

/** What every call to a service carries: the caller's token and the request's correlation id. */
export interface CallContext {
  readonly token: string;
  readonly correlationId: string;
}

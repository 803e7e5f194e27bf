import { Actor } from '@expedientes/shared-kernel';

/**
 * Who makes a request, as the authentication step established it: the actor, for the
 * gateway's own decisions, and the bearer token that proves it to the services behind, which
 * verify it themselves. The token comes from the `Authorization` header, or from the browser
 * session, which keeps it on the server.
 */
export interface Caller {
  readonly actor: Actor;
  readonly token: string;
  /** The person's name, where their login said it (browser sessions). */
  readonly name?: string;
  /**
   * A browser session's synchronizer token: its state-changing requests must carry it in
   * `x-csrf-token`. Bearer callers have none and need none.
   */
  readonly csrfToken?: string;
}

/**
 * What every call to a service carries: the caller's token and the request's correlation id;
 * a change also its Idempotency-Key (the client's, or one made for the request), which a
 * service that honours it uses to make a retry find what the first try did.
 */
export interface CallContext {
  readonly token: string;
  readonly correlationId: string;
  readonly idempotencyKey?: string;
}

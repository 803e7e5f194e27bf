import { createServer, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Express } from 'express';

/** Requests under `path` (as express mounts it: any case, the path itself or below it). */
export interface Aside {
  readonly path: string;
  readonly listener: RequestListener;
}

export interface AppServer {
  readonly server: Server;
  /**
   * From now on `app` answers, every request but those `aside` takes, and requests and
   * responses are made with its prototypes.
   */
  serve(app: Express, aside?: Aside): void;
}

/**
 * An HTTP server for an express app whose requests and responses are born with the app's
 * prototypes. Express sets them on each request and response it is handed
 * (`Object.setPrototypeOf`), and V8 then gives every one of them a hidden class of its own:
 * each property read or write on a request or a response, in express, the middleware and
 * Node's HTTP code alike, misses its inline cache and takes the runtime's slow path. Setting
 * a prototype an object already has changes nothing. Until `serve`, `until` answers; one app
 * only is served (it adopts the prototypes of this server's requests and responses).
 */
export function appServer(until: RequestListener): AppServer {
  // Subclasses, so that V8 keeps one initial map for all their instances.
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse<AppRequest> {}
  let listener = until;
  const server = createServer(
    { IncomingMessage: AppRequest, ServerResponse: AppResponse },
    (req, res) => listener(req, res),
  );
  return {
    server,
    serve(app, aside) {
      app.request = adopted(AppRequest.prototype, app.request);
      app.response = adopted(AppResponse.prototype, app.response);
      if (!aside) {
        listener = app;
        return;
      }
      const under = mountedAt(aside.path);
      listener = (req, res) => (under(req.url) ? aside.listener : app)(req, res);
    },
  };
}

/** `made` made into `prototype`: what it inherits, and what it has of its own (its app). */
function adopted<T extends object>(made: object, prototype: T): T {
  Object.setPrototypeOf(made, Object.getPrototypeOf(prototype));
  Object.defineProperties(made, Object.getOwnPropertyDescriptors(prototype));
  return made as T;
}

/** Whether a request's URL is under `path`, as `app.use(path, ...)` would match it. */
function mountedAt(path: string): (url: string | undefined) => boolean {
  const prefix = path.replace(/\/+$/, '').toLowerCase();
  if (!prefix) return () => true; // '/'
  // On every request: the prefix compared where it stands, nothing else of the URL copied.
  return (url = '/') => {
    const next = url.charAt(prefix.length);
    return (
      (next === '' || next === '/' || next === '?') &&
      url.slice(0, prefix.length).toLowerCase() === prefix
    );
  };
}

/** An `appServer` that serves `app` from the start. */
export function serverFor(app: Express, aside?: Aside): Server {
  const { server, serve } = appServer(app);
  serve(app, aside);
  return server;
}

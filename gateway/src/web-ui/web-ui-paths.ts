import { RequestHandler } from 'express';

/**
 * Where the platform answers something else than the web UI: these keep their own answers,
 * their 404s included, rather than get the application's page.
 */
const NOT_THE_WEB_UI = ['/api', '/login', '/logout', '/health', '/metrics', '/auth', '/internal'];

const isReserved = (path: string): boolean =>
  NOT_THE_WEB_UI.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/** `serve` for the GETs and HEADs of every address that is the web UI's; the rest go on. */
export const forWebUi =
  (serve: RequestHandler): RequestHandler =>
  (req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && !isReserved(req.path)) {
      serve(req, res, next);
    } else {
      next();
    }
  };

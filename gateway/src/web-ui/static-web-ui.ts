import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { Logger } from '@expedientes/shared-kernel';
import express, { RequestHandler, Response } from 'express';

/** The repository's build of the web UI, seen from this file (src/ or dist/ of the gateway). */
export const defaultFrontendDir = resolve(__dirname, '../../../frontend/dist');

/** Built assets carry a hash of their content in their names: they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else is checked again on every use, so a new release shows at once. */
const REVALIDATE = 'no-cache';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="es">
<head><meta charset="utf-8"><title>Expedientes</title></head>
<body>
<h1>La interfaz web no está construida</h1>
<p>Constrúyala con <code>npm run build</code> y vuelva a cargar esta página.
La API sigue disponible en <a href="/api/docs/">/api/docs</a>.</p>
</body>
</html>
`;

function notBuilt(res: Response): void {
  res.status(503).set('cache-control', 'no-store').type('html').send(NOT_BUILT_PAGE);
}

/**
 * The web UI's build (`dir`: index.html and assets/) served as its nginx image serves it:
 * assets cached for good, a missing one a 404, and any other address the application's page
 * (never cached), so that client-side routes survive a reload. Without a build, a page that
 * says how to make one.
 */
export function staticWebUi(dir: string, logger: Logger): RequestHandler {
  const index = join(dir, 'index.html');
  const assets = join(dir, 'assets') + sep;
  if (!existsSync(index)) {
    logger.warn({ dir }, 'the web UI is not built: `npm run build` builds it');
  }
  const files = express.static(dir, {
    index: false,
    redirect: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
    },
  });
  return (req, res, next) => {
    files(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (req.path.startsWith('/assets/')) return next();
      res.sendFile(index, { headers: { 'cache-control': REVALIDATE } }, (failure) => {
        if ((failure as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') notBuilt(res);
        else if (failure && !res.headersSent) next(failure);
      });
    });
  };
}

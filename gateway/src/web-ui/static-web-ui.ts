import { existsSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { Logger } from '@expedientes/shared-kernel';
import express, { Request, RequestHandler, Response } from 'express';
import { CompressedFiles, fileOf, isCompressible, preferredCoding } from './compressed-files';

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
 * An address whose last segment has an extension asks for a file (/favicon.ico, /robots.txt):
 * one the build lacks is a 404, not the application's page. The application's own routes
 * (/expedientes/{id}, /usuarios) never have one.
 */
const namesAFile = (path: string): boolean => /\.[A-Za-z0-9]+$/.test(path.split('/').at(-1) ?? '');

/** A compressible file's answer depends on the request's Accept-Encoding, sent compressed or not. */
function varyOnEncoding(res: ServerResponse): void {
  const vary = res.getHeader('vary');
  const current = Array.isArray(vary) ? vary.join(', ') : vary === undefined ? '' : String(vary);
  if (/(?:^|,)\s*(?:accept-encoding|\*)\s*(?:,|$)/i.test(current)) return;
  res.setHeader('vary', current ? `${current}, Accept-Encoding` : 'Accept-Encoding');
}

/**
 * The web UI's build (`dir`: index.html and assets/) served as its nginx image serves it:
 * assets cached for good, a missing one (or any other file the build lacks) a 404, and any
 * other address the application's page (never cached), so that client-side routes survive a
 * reload. Without a build, a page that says how to make one.
 *
 * Its text files (scripts, styles, the page...) go compressed, br or gzip as the request's
 * Accept-Encoding prefers, each compressed once and kept in memory (see `CompressedFiles`);
 * they go as they are to a client that takes neither, and with express.static's Range support.
 */
export function staticWebUi(folder: string, logger: Logger): RequestHandler {
  // Absolute, as express.static makes it and gives it to setHeaders (FRONTEND_DIR may be not).
  const dir = resolve(folder);
  const index = join(dir, 'index.html');
  const assets = join(dir, 'assets') + sep;
  if (!existsSync(index)) {
    logger.warn({ dir }, 'the web UI is not built: `npm run build` builds it');
  }
  const cacheControlOf = (path: string): string =>
    path.startsWith(assets) ? IMMUTABLE : REVALIDATE;
  const files = express.static(dir, {
    index: false,
    redirect: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('cache-control', cacheControlOf(path));
      if (isCompressible(path)) varyOnEncoding(res);
    },
  });
  const compressedFiles = new CompressedFiles(logger);

  /** Answers with `path` compressed, if it is worth it and the request takes it: true then. */
  const sentCompressed = async (req: Request, res: Response, path: string): Promise<boolean> => {
    const coding = preferredCoding(req.get('accept-encoding'));
    if (!coding || !isCompressible(path)) return false;
    const file = await compressedFiles.get(path, coding);
    if (!file || res.headersSent) return false;
    varyOnEncoding(res);
    res.set({
      'cache-control': cacheControlOf(path),
      etag: file.etag,
      'last-modified': file.lastModified,
    });
    if (req.fresh) {
      res.status(304).end();
      return true;
    }
    res.status(200).type(extname(path));
    res.set({ 'content-encoding': file.coding, 'content-length': String(file.bytes.length) });
    res.end(req.method === 'HEAD' ? undefined : file.bytes);
    return true;
  };

  const page = async (req: Request, res: Response, next: (error?: unknown) => void) => {
    if (await sentCompressed(req, res, index)) return;
    varyOnEncoding(res);
    res.sendFile(index, { headers: { 'cache-control': REVALIDATE } }, (failure) => {
      if ((failure as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') notBuilt(res);
      else if (failure && !res.headersSent) next(failure);
    });
  };

  const serve = async (req: Request, res: Response, next: (error?: unknown) => void) => {
    const file = fileOf(dir, req.path);
    if (file && (await sentCompressed(req, res, file))) return;
    files(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (req.path.startsWith('/assets/') || namesAFile(req.path)) return next();
      page(req, res, next).catch(next);
    });
  };

  return (req, res, next) => {
    serve(req, res, next).catch(next);
  };
}

import express from 'express';
import { handle, problem } from '@expedientes/shared-kernel/adapters/runtime';
import { ProblemError } from '../problem-error';
import { RouteDefinition, ServeOptions } from './route';

/** `/expedientes/{id}` (OpenAPI) as Express writes it: `/expedientes/:id`. */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

class MethodNotAllowedError extends ProblemError {
  constructor(allowed: readonly string[]) {
    super(
      problem(405, `Esta dirección solo atiende ${allowed.join(', ')}`, {
        title: 'Method Not Allowed',
        code: 'API.METHOD_NOT_ALLOWED',
      }),
      { allow: allowed.join(', ') },
    );
  }
}

/** Serves every declared route; a known path asked with another method is a 405. */
export function apiRouter(
  routes: readonly RouteDefinition[],
  options: ServeOptions,
): express.Router {
  const router = express.Router();
  const methodsByPath = new Map<string, string[]>();
  for (const route of routes) {
    router[route.method](
      expressPath(route.path),
      handle((req, res) => route.serve(req, res, options)),
    );
    const methods = methodsByPath.get(route.path) ?? [];
    methods.push(route.method.toUpperCase(), ...(route.method === 'get' ? ['HEAD'] : []));
    methodsByPath.set(route.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    router.all(expressPath(path), (_req, _res, next) => next(new MethodNotAllowedError(methods)));
  }
  return router;
}

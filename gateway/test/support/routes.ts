import { RouteDefinition } from '../../src/api/route';

/** The route's path with every parameter filled in (`/expedientes/{id}` -> `/expedientes/x`). */
export const pathOf = (route: Pick<RouteDefinition, 'path'>, value = 'no-existe'): string =>
  route.path.replace(/\{\w+\}/g, value);

export const describeRoute = (route: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${route.method.toUpperCase()} ${route.path}`;

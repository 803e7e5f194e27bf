/** A route an express application or router declares: `GET /expedientes/expedientes/:id`. */
export interface DeclaredRoute {
  readonly method: string;
  readonly path: string;
}

interface Layer {
  readonly rawPath?: unknown;
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  readonly handle?: unknown;
}

/** The layers of an express application (its `router`) or of a router. */
const layersOf = (handler: unknown): readonly Layer[] | undefined => {
  const candidate = handler as { stack?: Layer[]; router?: { stack?: Layer[] } } | undefined;
  return candidate?.stack ?? candidate?.router?.stack;
};

/**
 * Every route under `handler`, mounted routers and applications included, read from express's
 * own tables: what the handler serves, not what someone remembered to list.
 */
export function declaredRoutes(handler: unknown, prefix = ''): DeclaredRoute[] {
  return (layersOf(handler) ?? []).flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods).map((method) => ({
        method: method.toUpperCase(),
        path: `${prefix}${layer.route?.path}`,
      }));
    }
    const mountedAt =
      typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return declaredRoutes(layer.handle, `${prefix}${mountedAt}`);
  });
}

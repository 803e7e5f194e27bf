import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type * as OidcProviderLibrary from 'oidc-provider' with { 'resolution-mode': 'import' };

export type { OidcProviderLibrary };

/**
 * oidc-provider 9 is published as an ES module only, while this repository compiles to
 * CommonJS; Node 20.19+ can require() an ES module natively. This is the one place that loads
 * it (on first use, not on import); every other file imports its types only.
 *
 * It cannot run inside jest's sandbox: jest 30 on Node < 24.9 routes `createRequire` to its
 * own registry, which cannot load an ES module, and a library loaded past it lives in another
 * realm, where the sandbox's objects fail its plain-object checks. Tests therefore drive the
 * built service as a process.
 */
export function loadOidcProvider(): typeof OidcProviderLibrary {
  return createRequire(__filename)('oidc-provider') as typeof OidcProviderLibrary;
}

/**
 * The AsyncLocalStorage in which oidc-provider runs each of its requests (an internal module
 * of the library, hence loaded defensively: undefined when a release moves it).
 */
export function loadOidcRequestStorage(): AsyncLocalStorage<unknown> | undefined {
  try {
    const storage = (
      createRequire(__filename)('oidc-provider/lib/helpers/als.js') as { default?: unknown }
    ).default;
    return storage instanceof AsyncLocalStorage ? storage : undefined;
  } catch {
    return undefined;
  }
}

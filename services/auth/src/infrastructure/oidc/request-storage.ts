import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';

/**
 * oidc-provider runs each request in an AsyncLocalStorage. On Node 20 a storage once run keeps
 * V8's promise hooks on for the whole process, a cost every promise of every request pays
 * (about a tenth of the CPU of an open, measured with `npm run bench`). The storage is
 * therefore disabled whenever none of the provider's requests is in flight; its next run
 * enables it again. (Node 24 keeps such context without promise hooks.)
 */
export function storageQuiescer(
  storage: AsyncLocalStorage<unknown> | undefined,
): (res: EventEmitter) => void {
  let inFlight = 0;
  return (res) => {
    if (!storage) return;
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) storage.disable();
    });
  };
}

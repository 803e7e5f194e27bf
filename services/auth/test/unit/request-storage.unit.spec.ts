import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { storageQuiescer } from '../../src/infrastructure/oidc/request-storage';

describe("oidc-provider's request storage", () => {
  it('is disabled once the last request in flight has closed, and not before', async () => {
    const storage = new AsyncLocalStorage<string>();
    const quiesce = storageQuiescer(storage);
    const first = new EventEmitter();
    const second = new EventEmitter();
    const seen = await storage.run('request', async () => {
      quiesce(first);
      quiesce(second);
      first.emit('close');
      await Promise.resolve();
      const whileOneRuns = storage.getStore();
      second.emit('close');
      await Promise.resolve();
      return { whileOneRuns, afterBoth: storage.getStore() };
    });
    expect(seen).toEqual({ whileOneRuns: 'request', afterBoth: undefined });
  });

  it('runs again after being disabled', () => {
    const storage = new AsyncLocalStorage<string>();
    const response = new EventEmitter();
    storageQuiescer(storage)(response);
    response.emit('close');
    expect(storage.run('next', () => storage.getStore())).toBe('next');
  });

  it('leaves nothing to do when the library keeps no storage', () => {
    const response = new EventEmitter();
    storageQuiescer(undefined)(response);
    expect(response.listenerCount('close')).toBe(0);
  });
});

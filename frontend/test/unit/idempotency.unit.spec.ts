import { ActionKey, newIdempotencyKey } from '../../src/api/idempotency';
import { ApiError, networkError } from '../../src/api/problem';

describe('Idempotency-Keys of the web UI', () => {
  it('are random version 4 UUIDs', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('stay the same for a retry after no answer, and change once an answer came', () => {
    const action = new ActionKey();
    const first = action.current;
    action.settled(networkError());
    expect(action.current).toBe(first);
    action.settled(new ApiError(409, 'Ya existe'));
    const second = action.current;
    expect(second).not.toBe(first);
    action.settled();
    expect(action.current).not.toBe(second);
  });
});

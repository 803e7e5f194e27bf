import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKeys } from '../../src/infrastructure/keys/provider-keys';

describe('the embedded mode keys', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'auth-keys-')), 'data');
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('are generated at the first start, kept for the owner only, and the same afterwards', () => {
    const first = loadOrCreateKeys(dataDir);
    expect(first.signingKeys).toHaveLength(1);
    expect(first.signingKeys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(first.signingKeys[0].d).toBeDefined();
    expect(first.cookieKeys[0].length).toBeGreaterThanOrEqual(43);

    const file = join(dataDir, 'auth-keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).signingKeys.keys[0].kid).toBe(
      first.signingKeys[0].kid,
    );

    expect(loadOrCreateKeys(dataDir)).toEqual(first);
  });
});

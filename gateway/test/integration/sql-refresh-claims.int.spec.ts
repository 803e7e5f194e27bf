import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServerAs,
  TemporaryDatabase,
  temporaryMysql,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import { gatewayMigrations } from '../../src/adapters/sql/gateway-migrations';
import { SqlRefreshClaims } from '../../src/adapters/sql/sql-refresh-claims';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MINUTE = 60 * 1000;

/** The refresh token claims, the same on every SQL database. */
function refreshClaimsSuite(open: () => Promise<TemporaryDatabase<SqlDatabase>>): void {
  let database: TemporaryDatabase<SqlDatabase>;
  let now: number;
  const claimsOn = (db: SqlDatabase) => new SqlRefreshClaims(db, () => now);

  beforeAll(async () => {
    database = await open();
    await database.db.migrate('gateway', gatewayMigrations);
  });
  afterAll(() => database?.dispose());
  beforeEach(() => {
    now = T0;
  });

  it('lets one claim of a refresh token through, whichever connection makes it', async () => {
    const claims = claimsOn(database.db);
    await expect(claims.claim('refresh-uno')).resolves.toBe(true);
    await expect(claims.claim('refresh-uno')).resolves.toBe(false);
    await expect(claimsOn(database.reopen()).claim('refresh-uno')).resolves.toBe(false);
    await expect(claims.claim('refresh-dos')).resolves.toBe(true);
  });

  it('lets exactly one of several concurrent claims through', async () => {
    const instances = [1, 2, 3, 4, 5].map(() => claimsOn(database.reopen()));
    const won = await Promise.all(instances.map((claims) => claims.claim('refresh-disputado')));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('keeps only the token’s hash', async () => {
    await claimsOn(database.db).claim('refresh-secreto');
    const rows = await database.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM gateway_refresh_claims',
    );
    expect(rows.map((row) => row.token_hash)).not.toContain('refresh-secreto');
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
  });

  it('claims a released token again', async () => {
    const claims = claimsOn(database.db);
    await claims.claim('refresh-devuelto');
    await claims.release('refresh-devuelto');
    await expect(claims.claim('refresh-devuelto')).resolves.toBe(true);
  });

  it('sweeps the claims older than an hour only', async () => {
    const claims = claimsOn(database.db);
    await claims.claim('refresh-viejo');
    now = T0 + 50 * MINUTE;
    await claims.claim('refresh-reciente');
    now = T0 + 61 * MINUTE;
    await expect(claims.sweepOld()).resolves.toBeGreaterThanOrEqual(1);
    await expect(claims.claim('refresh-viejo')).resolves.toBe(true);
    await expect(claims.claim('refresh-reciente')).resolves.toBe(false);
  });
}

describe('SqlRefreshClaims on SQLite', () => {
  refreshClaimsSuite(async () => temporarySqlite());
});

describeWithServerAs('mysql', 'gateway', 'SqlRefreshClaims on MySQL', (mysql) => {
  refreshClaimsSuite(() => temporaryMysql(mysql()));
});

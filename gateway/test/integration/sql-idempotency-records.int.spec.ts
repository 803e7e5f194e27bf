import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServerAs,
  TemporaryDatabase,
  temporaryMysql,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import { SqlIdempotencyRecords } from '../../src/adapters/sql/sql-idempotency-records';
import { KeyedRequest } from '../../src/ports/idempotency-records';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const times = { keptMs: DAY, abandonedAfterMs: 60_000 };
const answer = { status: 201, headers: { 'content-type': 'application/json' }, body: '{"n":1}' };

/** The Idempotency-Keys' store, the same on every SQL database. */
function recordsSuite(open: () => Promise<TemporaryDatabase<SqlDatabase>>): void {
  let database: TemporaryDatabase<SqlDatabase>;
  let now: number;
  let records: SqlIdempotencyRecords;
  let n = 0;
  const request = (overrides: Partial<KeyedRequest> = {}): KeyedRequest => ({
    caller: 'ana.tramitadora',
    key: `clave-${n}`,
    fingerprint: 'a'.repeat(64),
    ...overrides,
  });

  beforeAll(async () => {
    database = await open();
    records = await SqlIdempotencyRecords.open(database.db, times, () => now);
  });
  afterAll(() => database?.dispose());
  beforeEach(() => {
    now = T0 + n * 2 * DAY;
    n++;
  });

  it('lets the first request with a key through, then tells retries what became of it', async () => {
    expect(await records.begin(request())).toEqual({ kind: 'first' });
    expect(await records.begin(request())).toEqual({ kind: 'in-progress' });
    await records.answered(request(), answer);
    expect(await records.begin(request())).toEqual({ kind: 'answered', answer });
    expect(await records.begin(request({ fingerprint: 'b'.repeat(64) }))).toEqual({
      kind: 'other-request',
    });
    // Another caller's key of the same name is another key.
    expect(await records.begin(request({ caller: 'luis' }))).toEqual({ kind: 'first' });
  });

  it('frees a key whose request did nothing, and only that one', async () => {
    expect(await records.begin(request())).toEqual({ kind: 'first' });
    await records.release(request({ fingerprint: 'b'.repeat(64) }));
    expect(await records.begin(request())).toEqual({ kind: 'in-progress' });
    await records.release(request());
    expect(await records.begin(request())).toEqual({ kind: 'first' });
  });

  it('lets a retry take over a key left unanswered past the wait, never another request', async () => {
    expect(await records.begin(request())).toEqual({ kind: 'first' });
    now += times.abandonedAfterMs - 1;
    expect(await records.begin(request())).toEqual({ kind: 'in-progress' });
    now += 1;
    expect(await records.begin(request({ fingerprint: 'b'.repeat(64) }))).toEqual({
      kind: 'other-request',
    });
    expect(await records.begin(request())).toEqual({ kind: 'first' });
  });

  it('keeps an answer for a day, then forgets it', async () => {
    await records.begin(request());
    await records.answered(request(), answer);
    now += DAY - 1;
    expect(await records.begin(request())).toMatchObject({ kind: 'answered' });
    now += 1;
    expect(await records.begin(request({ fingerprint: 'b'.repeat(64) }))).toEqual({
      kind: 'first',
    });
  });
}

describe('SqlIdempotencyRecords on SQLite', () => {
  recordsSuite(async () => temporarySqlite());
});

describeWithServerAs('mysql', 'gateway', 'SqlIdempotencyRecords on MySQL', (mysql) => {
  recordsSuite(() => temporaryMysql(mysql()));
});

import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServerAs,
  TemporaryDatabase,
  temporaryMysql,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import { SessionData } from 'express-session';
import { gatewayMigrations } from '../../src/adapters/sql/gateway-migrations';
import { SqlSessionStore } from '../../src/adapters/sql/sql-session-store';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const HOUR = 60 * 60 * 1000;

const sessionUntil = (expiresAt: number, login = 'ana.tramitadora'): SessionData =>
  ({
    cookie: { originalMaxAge: HOUR, expires: new Date(expiresAt), httpOnly: true, path: '/' },
    login: { actor: { userId: login, roles: ['tramitador'] }, csrfToken: 'csrf' },
  }) as unknown as SessionData;

/** express-session's callback API, as promises. */
const promised = (store: SqlSessionStore) => ({
  get: (sid: string) =>
    new Promise<SessionData | null | undefined>((done, fail) =>
      store.get(sid, (error, data) => (error ? fail(error) : done(data))),
    ),
  set: (sid: string, data: SessionData) =>
    new Promise<void>((done, fail) =>
      store.set(sid, data, (error) => (error ? fail(error) : done())),
    ),
  touch: (sid: string, data: SessionData) =>
    new Promise<void>((done, fail) =>
      store.touch(sid, data, (error) => (error ? fail(error) : done())),
    ),
  destroy: (sid: string) =>
    new Promise<void>((done, fail) =>
      store.destroy(sid, (error) => (error ? fail(error) : done())),
    ),
});

/** The browser sessions' store, the same on every SQL database. */
function sessionStoreSuite(open: () => Promise<TemporaryDatabase<SqlDatabase>>): void {
  let database: TemporaryDatabase<SqlDatabase>;
  let now: number;
  let store: ReturnType<typeof promised>;
  let raw: SqlSessionStore;

  beforeAll(async () => {
    database = await open();
    await database.db.migrate('gateway', gatewayMigrations);
  });
  afterAll(() => database?.dispose());
  beforeEach(() => {
    now = T0;
    raw = new SqlSessionStore(database.db, () => now);
    store = promised(raw);
  });

  it('keeps a session until its cookie expires, for every connection', async () => {
    await store.set('sid-guardada', sessionUntil(T0 + HOUR));
    const again = promised(new SqlSessionStore(database.reopen(), () => now));
    await expect(again.get('sid-guardada')).resolves.toMatchObject({
      login: { actor: { userId: 'ana.tramitadora' } },
      cookie: { expires: new Date(T0 + HOUR).toISOString() },
    });
    now = T0 + HOUR;
    await expect(store.get('sid-guardada')).resolves.toBeNull();
    await expect(store.get('sid-que-no-existe')).resolves.toBeNull();
  });

  it('replaces a session saved again, and moves its expiry when touched', async () => {
    await store.set('sid-cambiada', sessionUntil(T0 + HOUR));
    await store.set('sid-cambiada', sessionUntil(T0 + HOUR, 'victor.validador'));
    await expect(store.get('sid-cambiada')).resolves.toMatchObject({
      login: { actor: { userId: 'victor.validador' } },
    });
    await store.touch('sid-cambiada', sessionUntil(T0 + 3 * HOUR));
    now = T0 + 2 * HOUR;
    await expect(store.get('sid-cambiada')).resolves.toMatchObject({
      login: { actor: { userId: 'victor.validador' } },
    });
  });

  it('forgets a destroyed session, and sweeps only the expired ones', async () => {
    await store.set('sid-borrada', sessionUntil(T0 + HOUR));
    await store.destroy('sid-borrada');
    await expect(store.get('sid-borrada')).resolves.toBeNull();

    await store.set('sid-vieja', sessionUntil(T0 + 1_000));
    await store.set('sid-viva', sessionUntil(T0 + 10 * HOUR));
    now = T0 + 5 * HOUR;
    await expect(raw.sweepExpired()).resolves.toBeGreaterThanOrEqual(1);
    const left = await database.db.query<{ sid: string }>('SELECT sid FROM gateway_sessions');
    expect(left.map((row) => row.sid)).toContain('sid-viva');
    expect(left.map((row) => row.sid)).not.toContain('sid-vieja');
  });
}

describe('SqlSessionStore on SQLite', () => {
  sessionStoreSuite(async () => temporarySqlite());
});

describeWithServerAs('mysql', 'gateway', 'SqlSessionStore on MySQL', (mysql) => {
  sessionStoreSuite(() => temporaryMysql(mysql()));
});

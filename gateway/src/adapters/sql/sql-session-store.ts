import { SqlDatabase, SqlDialect } from '@expedientes/shared-kernel/adapters/sql';
import session, { SessionData } from 'express-session';

const upsert: Record<SqlDialect, string> = {
  mysql: `INSERT INTO gateway_sessions (sid, data, expires_at) VALUES (?, ?, ?)
    ON DUPLICATE KEY UPDATE data = VALUES(data), expires_at = VALUES(expires_at)`,
  sqlite: `INSERT INTO gateway_sessions (sid, data, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
};

type Callback = (error?: unknown) => void;

/** Settles an express-session callback with a promise's outcome. */
const settle = <T>(
  work: Promise<T>,
  callback: ((error: unknown, value?: T) => void) | undefined,
) => {
  work.then(
    (value) => callback?.(null, value),
    (error: unknown) => callback?.(error),
  );
};

/**
 * express-session's store on the gateway's SQL database (SQLite in the embedded mode, MySQL
 * in the distributed one), so every gateway instance sees every session and a restart logs
 * nobody out. A session lasts until its cookie expires; what has expired is never returned
 * and `sweepExpired` removes it.
 */
export class SqlSessionStore extends session.Store {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => number = Date.now,
    /** For a session whose cookie has no expiry (none here: the cookie always has a maxAge). */
    private readonly defaultTtlMs: number = 24 * 60 * 60 * 1000,
  ) {
    super();
  }

  override get(sid: string, callback: (error: unknown, data?: SessionData | null) => void): void {
    settle(
      this.db
        .query<{ data: string }>(
          'SELECT data FROM gateway_sessions WHERE sid = ? AND expires_at > ?',
          [sid, this.now()],
        )
        .then(([row]) => (row ? (JSON.parse(row.data) as SessionData) : null)),
      callback,
    );
  }

  override set(sid: string, data: SessionData, callback?: Callback): void {
    settle(
      this.db.execute(upsert[this.db.dialect], [sid, JSON.stringify(data), this.expiryOf(data)]),
      callback,
    );
  }

  override touch(sid: string, data: SessionData, callback?: Callback): void {
    settle(
      this.db.execute('UPDATE gateway_sessions SET expires_at = ? WHERE sid = ?', [
        this.expiryOf(data),
        sid,
      ]),
      callback,
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    settle(this.db.execute('DELETE FROM gateway_sessions WHERE sid = ?', [sid]), callback);
  }

  /** Removes the expired sessions; returns how many went. */
  async sweepExpired(): Promise<number> {
    const { affectedRows } = await this.db.execute(
      'DELETE FROM gateway_sessions WHERE expires_at <= ?',
      [this.now()],
    );
    return affectedRows;
  }

  private expiryOf(data: SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.now() + this.defaultTtlMs;
  }
}

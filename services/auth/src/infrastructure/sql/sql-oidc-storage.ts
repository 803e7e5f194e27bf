// oidc-provider is an ES module; this file uses only its types.
import type { Adapter, AdapterPayload } from 'oidc-provider' with { 'resolution-mode': 'import' };
import { SqlDatabase, SqlDialect } from '@expedientes/shared-kernel/adapters/sql';

interface Row {
  payload: string;
  consumed_at: number | string | null;
}

const upsert: Record<SqlDialect, string> = {
  mysql: `INSERT INTO auth_oidc_models
      (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
    ON DUPLICATE KEY UPDATE payload = VALUES(payload), grant_id = VALUES(grant_id),
      uid = VALUES(uid), user_code = VALUES(user_code), expires_at = VALUES(expires_at),
      consumed_at = NULL`,
  sqlite: `INSERT INTO auth_oidc_models
      (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
    ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload,
      grant_id = excluded.grant_id, uid = excluded.uid, user_code = excluded.user_code,
      expires_at = excluded.expires_at, consumed_at = NULL`,
};

/**
 * One oidc-provider model (Session, Interaction, Grant, AuthorizationCode, RefreshToken...)
 * in the auth_oidc_models table: the payload as JSON, with the columns the provider looks
 * things up by, and its expiry, after which it is as good as gone.
 */
class SqlOidcAdapter implements Adapter {
  constructor(
    private readonly db: SqlDatabase,
    private readonly model: string,
    private readonly now: () => number,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    await this.db.execute(upsert[this.db.dialect], [
      this.model,
      id,
      JSON.stringify(payload),
      payload.grantId ?? null,
      payload.uid ?? null,
      payload.userCode ?? null,
      expiresIn ? this.now() + expiresIn * 1000 : null,
    ]);
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('id', id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    await this.db.execute(
      'UPDATE auth_oidc_models SET consumed_at = ? WHERE model = ? AND id = ?',
      [this.now(), this.model, id],
    );
  }

  async destroy(id: string): Promise<void> {
    await this.db.execute('DELETE FROM auth_oidc_models WHERE model = ? AND id = ?', [
      this.model,
      id,
    ]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.execute('DELETE FROM auth_oidc_models WHERE model = ? AND grant_id = ?', [
      this.model,
      grantId,
    ]);
  }

  private async findWhere(
    column: 'id' | 'uid' | 'user_code',
    value: string,
  ): Promise<AdapterPayload | undefined> {
    const [row] = await this.db.query<Row>(
      `SELECT payload, consumed_at FROM auth_oidc_models
       WHERE model = ? AND ${column} = ? AND (expires_at IS NULL OR expires_at > ?)`,
      [this.model, value, this.now()],
    );
    if (!row) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    // The provider reads `consumed` as epoch seconds.
    return row.consumed_at === null
      ? payload
      : { ...payload, consumed: Math.floor(Number(row.consumed_at) / 1000) };
  }
}

/** Where the OpenID provider keeps its sessions, grants and codes: the service's database. */
export class SqlOidcStorage {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  /** The provider's `adapter` setting: one adapter per model name. */
  readonly adapterFor = (model: string): Adapter => new SqlOidcAdapter(this.db, model, this.now);

  /** Removes what has expired (it is never returned anyway); returns how many rows went. */
  async sweepExpired(): Promise<number> {
    const { affectedRows } = await this.db.execute(
      'DELETE FROM auth_oidc_models WHERE expires_at IS NOT NULL AND expires_at <= ?',
      [this.now()],
    );
    return affectedRows;
  }
}

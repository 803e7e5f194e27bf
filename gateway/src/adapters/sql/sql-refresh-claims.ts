import { createHash } from 'node:crypto';
import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { RefreshClaims } from '../../ports/refresh-claims';

/** A claim only matters while requests that read the session before the refresh still arrive. */
const CLAIM_KEPT_MS = 60 * 60 * 1000;

/** The token's hash is the key: the tokens themselves stay in the sessions only. */
const keyOf = (refreshToken: string): string =>
  createHash('sha256').update(refreshToken).digest('hex');

/**
 * The claims in the gateway's SQL database (`gateway_refresh_claims`, shared by every gateway
 * instance in the distributed mode): the primary key lets one insert of a token through.
 */
export class SqlRefreshClaims implements RefreshClaims {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(refreshToken: string): Promise<boolean> {
    const insert = this.db.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const { affectedRows } = await this.db.execute(
      `${insert} INTO gateway_refresh_claims (token_hash, claimed_at) VALUES (?, ?)`,
      [keyOf(refreshToken), this.now()],
    );
    return affectedRows === 1;
  }

  async release(refreshToken: string): Promise<void> {
    await this.db.execute('DELETE FROM gateway_refresh_claims WHERE token_hash = ?', [
      keyOf(refreshToken),
    ]);
  }

  /** Removes the claims too old to matter; returns how many went. */
  async sweepOld(): Promise<number> {
    const { affectedRows } = await this.db.execute(
      'DELETE FROM gateway_refresh_claims WHERE claimed_at <= ?',
      [this.now() - CLAIM_KEPT_MS],
    );
    return affectedRows;
  }
}

import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  IdempotencyRecords,
  KeyedRequest,
  KeyUse,
  RecordedAnswer,
} from '../../ports/idempotency-records';
import { gatewayMigrations } from './gateway-migrations';

export interface IdempotencyTimes {
  /** How long a key and its answer are kept (at least a day, as the API promises). */
  readonly keptMs: number;
  /**
   * How long a key may stay unanswered before a retry may take it over: a gateway that died
   * with the request in hand never answers it.
   */
  readonly abandonedAfterMs: number;
}

/** Expired keys are swept at most this often, by whichever request comes then. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

interface KeyRow {
  fingerprint: string;
  started_at: number | string;
  answer: string | null;
  expires_at: number | string;
}

/** The keys in the gateway's SQL database (`gateway_idempotency_keys`), one row per caller and key. */
export class SqlIdempotencyRecords implements IdempotencyRecords {
  private lastSweep = 0;

  private constructor(
    private readonly db: SqlDatabase,
    private readonly times: IdempotencyTimes,
    private readonly now: () => number,
  ) {}

  static async open(
    db: SqlDatabase,
    times: IdempotencyTimes,
    now: () => number = Date.now,
  ): Promise<SqlIdempotencyRecords> {
    await db.migrate('gateway', gatewayMigrations);
    return new SqlIdempotencyRecords(db, times, now);
  }

  async begin(request: KeyedRequest): Promise<KeyUse> {
    const now = this.now();
    await this.sweep(now);
    const { caller, key, fingerprint } = request;
    return this.db.transaction(async (tx): Promise<KeyUse> => {
      const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
      const taken = await tx.execute(
        `${insert} INTO gateway_idempotency_keys
           (caller, idempotency_key, fingerprint, started_at, answer, expires_at)
         VALUES (?, ?, ?, ?, NULL, ?)`,
        [caller, key, fingerprint, now, now + this.times.keptMs],
      );
      if (taken.affectedRows === 1) return { kind: 'first' };
      const [row] = await tx.query<KeyRow>(
        `SELECT fingerprint, started_at, answer, expires_at FROM gateway_idempotency_keys
         WHERE caller = ? AND idempotency_key = ?${tx.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
        [caller, key],
      );
      const expired = !row || Number(row.expires_at) <= now;
      const abandoned =
        row?.answer === null &&
        row.fingerprint === fingerprint &&
        Number(row.started_at) <= now - this.times.abandonedAfterMs;
      if (expired || abandoned) {
        await tx.execute(
          `UPDATE gateway_idempotency_keys
           SET fingerprint = ?, started_at = ?, answer = NULL, expires_at = ?
           WHERE caller = ? AND idempotency_key = ?`,
          [fingerprint, now, now + this.times.keptMs, caller, key],
        );
        return { kind: 'first' };
      }
      if (row.fingerprint !== fingerprint) return { kind: 'other-request' };
      if (row.answer === null) return { kind: 'in-progress' };
      return { kind: 'answered', answer: JSON.parse(row.answer) as RecordedAnswer };
    });
  }

  async answered(request: KeyedRequest, answer: RecordedAnswer): Promise<void> {
    await this.db.execute(
      `UPDATE gateway_idempotency_keys SET answer = ?, expires_at = ?
       WHERE caller = ? AND idempotency_key = ? AND fingerprint = ? AND answer IS NULL`,
      [
        JSON.stringify(answer),
        this.now() + this.times.keptMs,
        request.caller,
        request.key,
        request.fingerprint,
      ],
    );
  }

  async release(request: KeyedRequest): Promise<void> {
    await this.db.execute(
      `DELETE FROM gateway_idempotency_keys
       WHERE caller = ? AND idempotency_key = ? AND fingerprint = ? AND answer IS NULL`,
      [request.caller, request.key, request.fingerprint],
    );
  }

  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    await this.db.execute('DELETE FROM gateway_idempotency_keys WHERE expires_at <= ?', [now]);
  }
}

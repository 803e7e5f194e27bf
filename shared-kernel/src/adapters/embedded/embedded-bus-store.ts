import { Envelope } from '../../messaging/envelope';
import { keptForever } from '../../messaging/topics';
import { BoundedMap } from '../shared/bounded-map';
import { deepFreeze } from '../shared/deep-freeze';
import { Migration, SqlDatabase, SqlExecutor, TransactionExecutor } from '../sql/sql-database';

/**
 * The embedded bus's tables. `bus_messages` is the log of every topic: SQLite has one writer
 * at a time, so the order of `sequence` is the order of commits and a position never skips a
 * message committed late. `bus_group_positions` holds, per consumer group and topic, the
 * sequence of the last acknowledged message and the member that holds the topic's lease.
 */
export const embeddedBusMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'message log and consumer group positions',
    up: [
      `CREATE TABLE bus_messages (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        topic TEXT NOT NULL,
        message_key TEXT,
        envelope TEXT NOT NULL,
        published_at INTEGER NOT NULL
      )`,
      'CREATE INDEX bus_messages_by_topic ON bus_messages (topic, sequence)',
      `CREATE TABLE bus_group_positions (
        group_name TEXT NOT NULL,
        topic TEXT NOT NULL,
        position INTEGER NOT NULL,
        owner TEXT,
        owner_pid INTEGER,
        lease_until INTEGER NOT NULL,
        PRIMARY KEY (group_name, topic)
      )`,
    ],
  },
];

export interface StoredMessage {
  readonly sequence: number;
  readonly key: string | null;
  /** As stored: validated when it is consumed (unless `checked`), like anything from outside. */
  readonly raw: string;
  /**
   * On an append kept in memory: the envelope as the bus checked it when it was published,
   * frozen. The consumers of this process take it as it is instead of parsing and checking
   * `raw` again against the same registry.
   */
  readonly checked?: Envelope;
}

/** One member's hold on a topic of its group: only the holder delivers, one message at a time. */
export interface Lease {
  readonly group: string;
  readonly topic: string;
  readonly owner: string;
}

/** Where a member has delivered a topic of its group to. */
export interface SavedPosition {
  readonly lease: Lease;
  readonly position: number;
}

interface PositionRow {
  position: number;
  owner: string | null;
  owner_pid: number | null;
  lease_until: number;
}

/** Whether the process that holds a lease still runs (embedded means one machine). */
const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** How many of its latest appends a store keeps for its consumers. */
const KEPT_APPENDS = 1_000;

const keptKey = (topic: string, position: number): string => `${position} ${topic}`;

export class EmbeddedBusStore {
  /**
   * The latest appends committed through this store, by topic and the sequence of the topic's
   * message before them: a consumer that stands there takes them from here, unread.
   */
  private readonly kept = new BoundedMap<string, readonly StoredMessage[]>(KEPT_APPENDS);

  constructor(
    private readonly database: SqlDatabase,
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** With `redoneIfLost`, the commit does not wait for the disk (see `SqlDatabase.flush`). */
  async append(topic: string, envelopes: readonly Envelope[], redoneIfLost = false): Promise<void> {
    await this.database.transaction((tx) => this.appendIn(tx, topic, envelopes), {
      redoneIfLost,
    });
  }

  /**
   * Appends in `tx`, a transaction on this store's database: the messages are there if and
   * once it commits, and `committed` is called then. `envelopes` are as the bus checked them
   * against its registry; they are kept, frozen, for the consumers of this process.
   */
  async appendIn(
    tx: TransactionExecutor,
    topic: string,
    envelopes: readonly Envelope[],
    committed: () => void = () => undefined,
  ): Promise<void> {
    // SQLite's one writer is this transaction: the topic's last message comes right before.
    const [{ last }] = await tx.query<{ last: number | null }>(
      'SELECT MAX(sequence) AS last FROM bus_messages WHERE topic = ?',
      [topic],
    );
    const stored = await this.insert(tx, topic, envelopes);
    tx.afterCommit(() => {
      const checked = stored.map((message, index) => ({
        ...message,
        checked: deepFreeze(envelopes[index]),
      }));
      this.kept.set(keptKey(topic, Number(last ?? 0)), checked);
      committed();
    });
  }

  /**
   * Takes the lease when it is free, expired, or held by a process that died; creates the
   * group's position first, at the start of the topic or, for `startAtEnd`, after its last
   * message. Returns the group's acknowledged position, or null when another member holds it.
   */
  claim(lease: Lease, startAtEnd: boolean): Promise<number | null> {
    const { group, topic, owner } = lease;
    return this.database.transaction(async (tx) => {
      await tx.execute(
        `INSERT OR IGNORE INTO bus_group_positions (group_name, topic, position, lease_until)
         VALUES (?, ?, ${startAtEnd ? '(SELECT COALESCE(MAX(sequence), 0) FROM bus_messages WHERE topic = ?)' : '?'}, 0)`,
        [group, topic, startAtEnd ? topic : 0],
      );
      const [held] = await tx.query<PositionRow>(
        `SELECT position, owner, owner_pid, lease_until FROM bus_group_positions
         WHERE group_name = ? AND topic = ?`,
        [group, topic],
      );
      const now = this.now();
      const free =
        held.owner === null ||
        held.owner === owner ||
        held.lease_until < now ||
        (held.owner_pid !== null && !processAlive(held.owner_pid));
      if (!free) return null;
      await tx.execute(
        `UPDATE bus_group_positions SET owner = ?, owner_pid = ?, lease_until = ?
         WHERE group_name = ? AND topic = ?`,
        [owner, process.pid, now + this.leaseMs, group, topic],
      );
      return Number(held.position);
    });
  }

  /**
   * Writes each lease's position and extends the lease, in one commit; returns the topics whose
   * lease was lost (another member took them over and delivers from the last position saved).
   * A position lost with a crash or a power cut only delivers its messages again, which the
   * consumers' inboxes absorb, so the commit does not wait for the disk.
   */
  save(positions: readonly SavedPosition[]): Promise<string[]> {
    return this.database.transaction(
      async (tx) => {
        const lost: string[] = [];
        for (const { lease, position } of positions) {
          if (!(await this.move(tx, lease, position))) lost.push(lease.topic);
        }
        return lost;
      },
      { redoneIfLost: true },
    );
  }

  async release(lease: Lease, position: number): Promise<void> {
    await this.database.execute(
      `UPDATE bus_group_positions SET position = ?, owner = NULL, owner_pid = NULL, lease_until = 0
       WHERE group_name = ? AND topic = ? AND owner = ?`,
      [position, lease.group, lease.topic, lease.owner],
      { redoneIfLost: true },
    );
  }

  /** The messages of `topic` after `position`, in order. */
  async pending(topic: string, position: number, limit: number): Promise<StoredMessage[]> {
    const kept = this.keptAfter(topic, position, limit);
    if (kept.length > 0) return kept;
    const rows = await this.database.query<{
      sequence: number;
      message_key: string | null;
      envelope: string;
    }>(
      `SELECT sequence, message_key, envelope FROM bus_messages
       WHERE topic = ? AND sequence > ? ORDER BY sequence LIMIT ?`,
      [topic, position, limit],
    );
    return rows.map((row) => ({
      sequence: Number(row.sequence),
      key: row.message_key,
      raw: row.envelope,
    }));
  }

  /**
   * Moves the group to `position` with the dead letter of the message there, in one
   * transaction that waits for the disk: a dead letter must last. False when the lease was lost.
   */
  deadLetter(
    lease: Lease,
    position: number,
    deadLetter: { topic: string; envelope: Envelope },
  ): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      if (!(await this.move(tx, lease, position))) return false;
      await this.insert(tx, deadLetter.topic, [deadLetter.envelope]);
      return true;
    });
  }

  /**
   * The appends kept that follow `position` one after the other. Past them, messages other
   * processes wrote may come: the consumer reads those at its next look.
   */
  private keptAfter(topic: string, position: number, limit: number): StoredMessage[] {
    const messages: StoredMessage[] = [];
    for (
      let next = this.kept.get(keptKey(topic, position));
      next && messages.length < limit;
      next = this.kept.get(keptKey(topic, messages[messages.length - 1].sequence))
    ) {
      messages.push(...next);
    }
    return messages.slice(0, limit);
  }

  /**
   * Deletes the messages of the topics consumer groups read, those not `keptForever`, that
   * were published before `before` and that every group reading the topic has acknowledged:
   * oldest first, `batch` at a time, each batch its own transaction, so that the bus's work
   * goes on in between. Returns how many it deleted.
   */
  async prune(before: number, batch = 1_000): Promise<number> {
    const read = await this.database.query<{ topic: string }>(
      'SELECT DISTINCT topic FROM bus_group_positions',
    );
    let deleted = 0;
    for (const { topic } of read.filter((row) => !keptForever(row.topic))) {
      for (;;) {
        // A topic's messages are published in the order of their sequence: looking at its
        // oldest `batch` alone, a topic none of whose messages is old enough costs nothing.
        const { affectedRows } = await this.database.execute(
          `DELETE FROM bus_messages WHERE sequence IN (
             SELECT sequence FROM bus_messages WHERE topic = ? ORDER BY sequence LIMIT ?
           ) AND published_at < ?
           AND sequence <= (SELECT MIN(position) FROM bus_group_positions WHERE topic = ?)`,
          [topic, batch, before, topic],
          // Deleted again at the next prune, should a power cut lose it.
          { redoneIfLost: true },
        );
        deleted += affectedRows;
        if (affectedRows < batch) break;
      }
    }
    return deleted;
  }

  private async move(tx: SqlExecutor, lease: Lease, position: number): Promise<boolean> {
    const moved = await tx.execute(
      `UPDATE bus_group_positions SET position = ?, lease_until = ?
       WHERE group_name = ? AND topic = ? AND owner = ?`,
      [position, this.now() + this.leaseMs, lease.group, lease.topic, lease.owner],
    );
    return moved.affectedRows === 1;
  }

  private async insert(
    tx: SqlExecutor,
    topic: string,
    envelopes: readonly Envelope[],
  ): Promise<StoredMessage[]> {
    const publishedAt = this.now();
    const stored: StoredMessage[] = [];
    for (const envelope of envelopes) {
      const raw = JSON.stringify(envelope);
      const { insertId } = await tx.execute(
        'INSERT INTO bus_messages (topic, message_key, envelope, published_at) VALUES (?, ?, ?, ?)',
        [topic, envelope.key, raw, publishedAt],
      );
      stored.push({ sequence: insertId, key: envelope.key, raw });
    }
    return stored;
  }
}

import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { CoalescedSync, fsyncInPool } from '../shared/coalesced-sync';

/**
 * Takes a SQLite file's write-ahead log to the disk with an fsync in the thread pool, not on
 * the event loop. A sync serves every caller that asked before it began; one asking while it
 * runs waits for the next. The log is a file of its own (`<file>-wal`) that SQLite keeps in
 * place while the connection is open, so syncing it through a descriptor of ours takes every
 * frame SQLite wrote before to the disk.
 */
export class WalSync {
  private fd?: number;
  private readonly syncs = new CoalescedSync(async () => {
    const fd = this.open();
    if (fd !== undefined) await fsyncInPool(fd);
  });

  constructor(private readonly logFile: string) {}

  /** Resolves once everything written to the log before the call is on the disk. */
  sync(): Promise<void> {
    return this.syncs.sync();
  }

  async close(): Promise<void> {
    await this.syncs.settled();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The log's descriptor; none while SQLite has written no log yet (nothing to sync). */
  private open(): number | undefined {
    if (this.fd !== undefined) return this.fd;
    try {
      this.fd = openSync(this.logFile, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // The log's entry in its folder, new when SQLite created the log: once, as SQLite does.
    const folder = openSync(dirname(this.logFile), 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
    return this.fd;
  }
}

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time and memory of processes, from Linux's /proc: the figures that stay comparable on a
 * shared machine, where wall-clock throughput does not.
 */

/** The fields of /proc/<pid>/stat the benchmark uses, in clock ticks. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly utime: number;
  readonly stime: number;
  /** CPU of the children it has waited for (what they spent is not lost when they exit). */
  readonly cutime: number;
  readonly cstime: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name (field 2) is in parentheses and may
 * itself hold spaces and parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open)
    throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const pid = Number(text.slice(0, open).trim());
  // After ") ": field 3 (state) is rest[0], so field k is rest[k - 3].
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (k: number): number => {
    const value = Number(rest[k - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc/${pid}/stat: field ${k} is not a number`);
    return value;
  };
  return {
    pid,
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
}

/** Peak resident set size (VmHWM) in kB from /proc/<pid>/status text; null if absent. */
export function parsePeakRssKb(statusText: string): number | null {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(statusText);
  return match ? Number(match[1]) : null;
}

/** `root` and every live descendant of it, as found in `stats`; empty when `root` is gone. */
export function treeOf(root: number, stats: ReadonlyMap<number, ProcStat>): ProcStat[] {
  if (!stats.has(root)) return [];
  const children = new Map<number, number[]>();
  for (const stat of stats.values()) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  const tree: ProcStat[] = [];
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const stat = stats.get(pid);
    if (!stat) continue;
    tree.push(stat);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * Ticks spent by `root` and every live descendant of it (a process that starts helpers
 * counts their CPU too). Each one's cutime/cstime is included: a child that exited and was
 * waited for has its time moved into its parent's, so nothing is counted twice or lost.
 * Null when `root` is not among `stats` (it is gone).
 */
export function treeTicks(root: number, stats: ReadonlyMap<number, ProcStat>): number | null {
  const tree = treeOf(root, stats);
  if (tree.length === 0) return null;
  return tree.reduce(
    (ticks, stat) => ticks + stat.utime + stat.stime + stat.cutime + stat.cstime,
    0,
  );
}

/**
 * The write system calls (write, writev, pwrite...) a process has made, `syscw` of
 * /proc/<pid>/io text; null if absent. Each is a message to another process (a query, a
 * request, an answer) or a write to a file: how many hops an operation makes, a figure that
 * does not move with the machine's load as time does.
 */
export function parseWriteCalls(ioText: string): number | null {
  const match = /^syscw:\s+(\d+)$/m.exec(ioText);
  return match ? Number(match[1]) : null;
}

/**
 * Write system calls of `root` and its live descendants (those of exited ones are not kept);
 * null when `root` is gone or its /proc/<pid>/io cannot be read.
 */
export function treeWriteCalls(root: number, stats: ReadonlyMap<number, ProcStat>): number | null {
  const tree = treeOf(root, stats);
  if (tree.length === 0) return null;
  let calls = 0;
  for (const { pid } of tree) {
    const own = readWriteCalls(pid);
    if (own === null && pid === root) return null;
    calls += own ?? 0;
  }
  return calls;
}

/** Write system calls of `pid` alone; null if it is gone. */
export function readWriteCalls(pid: number): number | null {
  return parsedProcFile(pid, 'io', parseWriteCalls);
}

/** What a counter grew by between two readings; null if either is missing. */
export function growth(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : after - before;
}

/** Milliseconds of CPU between two readings of ticks; null if either is missing. */
export function cpuMsBetween(
  before: number | null,
  after: number | null,
  ticksPerSecond: number,
): number | null {
  const ticks = growth(before, after);
  return ticks === null ? null : (ticks * 1000) / ticksPerSecond;
}

/** A total (CPU-ms, calls) per operation; null when nothing was done or the total is unknown. */
export function perOperation(total: number | null, operations: number): number | null {
  if (total === null || operations <= 0) return null;
  return total / operations;
}

/** Clock ticks per second of /proc's times: `getconf CLK_TCK`, 100 on every usual Linux. */
export function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(value) && value > 0) return value;
  } catch {
    // no getconf: Linux's USER_HZ
  }
  return 100;
}

/** Every process's stat now (one pass over /proc), by pid. */
export function readAllProcStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      stats.set(stat.pid, stat);
    } catch {
      // it exited meanwhile
    }
  }
  return stats;
}

/** Peak RSS (VmHWM) of `pid` in kB, null if it is gone. */
export function readPeakRssKb(pid: number): number | null {
  return parsedProcFile(pid, 'status', parsePeakRssKb);
}

/** `/proc/<pid>/<file>` through `parse`; null if the process is gone. */
function parsedProcFile(
  pid: number,
  file: string,
  parse: (text: string) => number | null,
): number | null {
  try {
    return parse(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
  } catch {
    return null;
  }
}

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

/**
 * Ticks spent by `root` and every live descendant of it (a process that starts helpers
 * counts their CPU too). Each one's cutime/cstime is included: a child that exited and was
 * waited for has its time moved into its parent's, so nothing is counted twice or lost.
 * Null when `root` is not among `stats` (it is gone).
 */
export function treeTicks(root: number, stats: ReadonlyMap<number, ProcStat>): number | null {
  if (!stats.has(root)) return null;
  const children = new Map<number, number[]>();
  for (const stat of stats.values()) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  let ticks = 0;
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const stat = stats.get(pid);
    if (!stat) continue;
    ticks += stat.utime + stat.stime + stat.cutime + stat.cstime;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/** Milliseconds of CPU between two readings of ticks; null if either is missing. */
export function cpuMsBetween(
  before: number | null,
  after: number | null,
  ticksPerSecond: number,
): number | null {
  if (before === null || after === null) return null;
  return ((after - before) * 1000) / ticksPerSecond;
}

/** CPU-ms per operation; null when nothing was done or the CPU is unknown. */
export function perOperation(cpuMs: number | null, operations: number): number | null {
  if (cpuMs === null || operations <= 0) return null;
  return cpuMs / operations;
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
  try {
    return parsePeakRssKb(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

import { writeFileSync } from 'node:fs';
import { messagesHandled } from '../src/metrics';
import {
  cpuMsBetween,
  growth,
  parsePeakRssKb,
  parseProcStat,
  parseWriteCalls,
  perOperation,
  ProcStat,
  readWriteCalls,
  treeTicks,
  treeWriteCalls,
} from '../src/proc';

/** A /proc/<pid>/stat line with the given command name and times (fields 14–17). */
const statLine = (
  pid: number,
  comm: string,
  ppid: number,
  times: [number, number, number, number],
) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1234 0 0 0 ` +
  `${times.join(' ')} 20 0 11 0 5000 1000000 2000 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n`;

describe('parseProcStat', () => {
  it('reads ppid and the four CPU times', () => {
    expect(parseProcStat(statLine(4242, 'node', 1, [150, 30, 7, 3]))).toEqual({
      pid: 4242,
      ppid: 1,
      utime: 150,
      stime: 30,
      cutime: 7,
      cstime: 3,
    });
  });

  it('counts the fields after the last parenthesis (names may hold spaces and parentheses)', () => {
    const stat = parseProcStat(statLine(77, 'my (odd) name', 12, [1, 2, 3, 4]));
    expect(stat).toMatchObject({ pid: 77, ppid: 12, utime: 1, stime: 2, cutime: 3, cstime: 4 });
  });

  it('refuses what is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow('not a /proc/<pid>/stat line');
  });
});

describe('treeTicks', () => {
  const stat = (pid: number, ppid: number, utime: number, stime = 0, cutime = 0): ProcStat => ({
    pid,
    ppid,
    utime,
    stime,
    cutime,
    cstime: 0,
  });
  const stats = new Map(
    [
      stat(1, 0, 1000), // init: not ours
      stat(10, 1, 100, 20, 5), // the root, with 5 ticks of children it waited for
      stat(11, 10, 30, 10), // its child
      stat(12, 11, 4, 1), // a grandchild
      stat(20, 1, 500), // an unrelated process
    ].map((each) => [each.pid, each]),
  );

  it('sums the root and its live descendants, children it waited for included', () => {
    expect(treeTicks(10, stats)).toBe(100 + 20 + 5 + 30 + 10 + 4 + 1);
    expect(treeTicks(11, stats)).toBe(45);
  });

  it('is null for a process that is gone', () => {
    expect(treeTicks(99, stats)).toBeNull();
  });
});

describe('CPU accounting', () => {
  it('turns ticks into milliseconds at the clock rate', () => {
    expect(cpuMsBetween(1000, 1250, 100)).toBe(2500);
    expect(cpuMsBetween(1000, 1250, 1000)).toBe(250);
    expect(cpuMsBetween(null, 1250, 100)).toBeNull();
    expect(cpuMsBetween(1000, null, 100)).toBeNull();
  });

  it('divides by the operations done, and says nothing when none were', () => {
    expect(perOperation(2500, 100)).toBe(25);
    expect(perOperation(2500, 0)).toBeNull();
    expect(perOperation(null, 10)).toBeNull();
  });

  it('counts what a counter grew by, and nothing when a reading is missing', () => {
    expect(growth(10, 25)).toBe(15);
    expect(growth(null, 25)).toBeNull();
    expect(growth(10, null)).toBeNull();
  });

  it('reads the write system calls from /proc/<pid>/io', () => {
    const io = 'rchar: 6976\nwchar: 120\nsyscr: 10\nsyscw: 37\nread_bytes: 8192\n';
    expect(parseWriteCalls(io)).toBe(37);
    expect(parseWriteCalls('rchar: 1\n')).toBeNull();
  });

  it('counts the writes of a live process, and none of one that is gone', () => {
    const before = readWriteCalls(process.pid);
    expect(before).not.toBeNull();
    writeFileSync('/dev/null', 'x');
    expect(readWriteCalls(process.pid)).toBeGreaterThan(before as number);
    const self: ProcStat = { pid: process.pid, ppid: 0, utime: 0, stime: 0, cutime: 0, cstime: 0 };
    const calls = treeWriteCalls(process.pid, new Map([[process.pid, self]]));
    expect(calls).toBeGreaterThan(before as number);
    expect(treeWriteCalls(999_999_999, new Map())).toBeNull();
  });

  it('reads the peak RSS from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  345678 kB\nVmRSS:\t  300000 kB\n';
    expect(parsePeakRssKb(status)).toBe(345678);
    expect(parsePeakRssKb('Name:\tkthreadd\n')).toBeNull();
  });

  it('sums every messages_handled_total series of a metrics page, and nothing else', () => {
    const page = [
      '# HELP messages_handled_total Messages consumed, by outcome',
      '# TYPE messages_handled_total counter',
      'messages_handled_total{topic="a",type="x",outcome="applied",service="s"} 12',
      'messages_handled_total{topic="b",type="y",outcome="ignored",service="s"} 30',
      'messages_handled_total_created{topic="b"} 1700000000',
      'http_request_duration_seconds_count{route="/"} 99',
    ].join('\n');
    expect(messagesHandled(page)).toBe(42);
  });
});

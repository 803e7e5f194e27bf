import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Instructions a process executes in user space, counted by valgrind's callgrind: unlike CPU
 * time on a shared virtual machine (±10–25 % from one run to the next here), they repeat to
 * a few per cent, so two commits compare on them where their CPU figures are in the noise.
 * What they leave out is the kernel's work (system calls: see the write calls per operation).
 */
export interface InstructionCounter {
  /** Counts from now on. */
  start(): void;
  /** Stops counting; the instructions since `start`, null if they could not be read. */
  stop(): number | null;
}

/** The command that runs a program under callgrind, counting nothing until told to. */
export const callgrindLauncher = (outFile: string, valgrind = 'valgrind'): readonly string[] => [
  valgrind,
  '--tool=callgrind',
  '--instr-atstart=no',
  `--callgrind-out-file=${outFile}`,
];

/** Whether valgrind can be run here; else why not. */
export function callgrindMissing(): string | null {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'valgrind and callgrind_control are needed (Debian: apt-get install valgrind)';
  }
}

/** The instructions (Ir) of a callgrind output file: its `totals:` line, else `summary:`. */
export function parseCallgrindTotals(text: string): number | null {
  const match = /^totals:\s+(\d+)/m.exec(text) ?? /^summary:\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * The counter of the process that `pid` names while it runs, started with
 * `callgrindLauncher(outFile)`: instrumentation switched on and off with `callgrind_control`,
 * whose dump (`<outFile>.<n>`, one per dump) is read and deleted (a dump also sets the counts
 * back to zero). Under valgrind the process runs several times slower, and some fifty times
 * slower while counting.
 */
export class Callgrind implements InstructionCounter {
  constructor(
    private readonly pid: () => number | undefined,
    private readonly outFile: string,
    /** valgrind's `callgrind_control`, which tells a running callgrind what to do. */
    private readonly controller = 'callgrind_control',
  ) {}

  start(): void {
    this.control('-i', 'on');
  }

  stop(): number | null {
    try {
      this.control('-i', 'off');
      this.control('-d');
    } catch {
      return null; // it has exited
    }
    let total: number | null = null;
    const dir = dirname(this.outFile);
    const dump = new RegExp(`^${basename(this.outFile).replace(/\./g, '\\.')}\\.\\d+$`);
    for (const file of readdirSync(dir).filter((name) => dump.test(name))) {
      const path = join(dir, file);
      const counted = parseCallgrindTotals(readFileSync(path, 'utf8'));
      if (counted !== null) total = (total ?? 0) + counted;
      unlinkSync(path);
    }
    return total;
  }

  private control(...args: string[]): void {
    const pid = this.pid();
    if (pid === undefined) throw new Error('the process is not running');
    execFileSync(this.controller, [...args, String(pid)], { stdio: 'ignore' });
  }
}

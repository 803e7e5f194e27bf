import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describeWithPrograms, programPath } from '@expedientes/shared-kernel/testing';
import { Callgrind, callgrindLauncher } from '../src/system/instruction-counter';

/** Sums 0..n-1 for each number it reads, then writes `done`. */
const LOOPER = `
  require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
    let sum = 0;
    for (let i = 0; i < Number(line); i++) sum += i;
    process.stdout.write('done ' + sum + '\\n');
  });
  process.stdout.write('ready\\n');
`;

describeWithPrograms(['valgrind'], 'Callgrind, counting a process’s instructions', () => {
  let dir: string;
  let child: ChildProcess;
  let lines: AsyncIterator<string>;
  let counter: Callgrind;

  const nextLine = async (): Promise<string> => (await lines.next()).value as string;
  /** The instructions of one loop of `n` turns, counted from before it to after it. */
  const counted = async (n: number): Promise<number | null> => {
    counter.start();
    child.stdin?.write(`${n}\n`);
    expect(await nextLine()).toMatch(/^done /);
    return counter.stop();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callgrind-'));
    const out = join(dir, 'callgrind.out');
    const valgrind = programPath('valgrind');
    const [command, ...args] = [
      ...callgrindLauncher(out, valgrind),
      process.execPath,
      '-e',
      LOOPER,
    ];
    child = spawn(command as string, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    counter = new Callgrind(() => child.pid, out, join(dirname(valgrind), 'callgrind_control'));
    expect(await nextLine()).toBe('ready');
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts what the process does between start and stop, and leaves no dump', async () => {
    const little = await counted(0);
    const much = await counted(3_000_000);
    expect(little).toBeGreaterThan(0);
    // Each turn of the loop is at least a compare, an add and a jump.
    expect(much! - little!).toBeGreaterThan(3 * 3_000_000);
    expect(readdirSync(dir).filter((name) => /\.\d+$/.test(name))).toEqual([]);
  }, 120_000);

  it('answers null once the process is gone', async () => {
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(counter.stop()).toBeNull();
  });
});

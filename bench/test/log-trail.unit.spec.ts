import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logTrail } from '../src/system/log-trail';

const line = (time: string, correlationId: string, msg: string) =>
  JSON.stringify({ level: 'info', time, correlationId, msg });

describe('logTrail', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trail-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the lines of one correlation id from every process's log, in time order", () => {
    writeFileSync(
      join(dir, 'gateway.log'),
      [
        line('2026-12-05T10:00:03.000Z', 'abc', 'answered'),
        line('2026-12-05T10:00:01.000Z', 'other', 'not this one'),
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'documents-1.log'),
      [line('2026-12-05T10:00:02.000Z', 'abc', 'command handled'), 'not json'].join('\n'),
    );
    writeFileSync(join(dir, 'notes.txt'), line('2026-12-05T10:00:00.000Z', 'abc', 'not a log'));

    const trail = logTrail(dir, 'abc');

    expect(trail).toHaveLength(2);
    expect(trail[0]).toMatch(/^documents-1: .*command handled/);
    expect(trail[1]).toMatch(/^gateway: .*answered/);
  });

  it('shows at most 60 lines and says how many it left out', () => {
    const many = Array.from({ length: 65 }, (_, i) =>
      line(`2026-12-05T10:00:${String(i).padStart(2, '0')}.000Z`, 'abc', `step ${i}`),
    );
    writeFileSync(join(dir, 'expedientes.log'), many.join('\n'));

    const trail = logTrail(dir, 'abc');

    expect(trail).toHaveLength(61);
    expect(trail[59]).toContain('step 59');
    expect(trail[60]).toBe('… 5 more lines');
  });
});

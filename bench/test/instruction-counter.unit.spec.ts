import { parseCallgrindTotals } from '../src/system/instruction-counter';

describe('parseCallgrindTotals', () => {
  it('reads the totals line of a callgrind dump', () => {
    const dump = [
      '# callgrind format',
      'version: 1',
      'events: Ir',
      'fn=(1) main',
      '16 3',
      'summary: 1234',
      'totals: 5678901234',
      '',
    ].join('\n');
    expect(parseCallgrindTotals(dump)).toBe(5_678_901_234);
  });

  it('falls back to the summary, and to null when there is neither', () => {
    expect(parseCallgrindTotals('events: Ir\nsummary: 42\n')).toBe(42);
    expect(parseCallgrindTotals('events: Ir\nfn=(1) main\n')).toBeNull();
  });
});

import { hostGauge } from '../src/gauge';
import { machine, markdown, Report } from '../src/report';
import { parseArgs } from '../src/options';

describe('the host gauge', () => {
  it('takes some CPU time, about the same each time', () => {
    const [first, second] = [hostGauge(), hostGauge()];
    expect(first).toBeGreaterThan(1);
    expect(Math.max(first, second) / Math.min(first, second)).toBeLessThan(3);
  });

  it('is told beside the machine', () => {
    const report: Report = {
      tool: '@expedientes/bench',
      mode: 'embedded',
      startedAt: '2026-12-07T12:00:00.000Z',
      finishedAt: '2026-12-07T12:01:00.000Z',
      machine: machine(100),
      hostGauge: { before: 65.64, after: 70.01 },
      options: parseArgs([], '/tmp/bench'),
      settings: {},
      scenarios: [],
      errorCount: 0,
    };
    expect(markdown(report)).toContain('Host gauge: 65.6 CPU-ms before the scenarios, 70.0 after');
  });
});

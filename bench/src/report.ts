import { cpus, freemem, release, totalmem } from 'node:os';
import { Options } from './options';
import { millions, ProcessFigures, ScenarioResult } from './scenarios/harness';
import { Summary } from './stats';

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryMiB: number;
  readonly freeMemoryMiB: number;
  readonly node: string;
  readonly kernel: string;
  readonly clockTicksPerSecond: number;
}

export function machine(clockTicksPerSecond: number): Machine {
  const list = cpus();
  return {
    nproc: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMiB: Math.round(freemem() / 2 ** 20),
    node: process.version,
    kernel: release(),
    clockTicksPerSecond,
  };
}

/** CPU-ms of `hostGauge`'s fixed work with the system up and idle, before and after the scenarios. */
export interface HostGauge {
  readonly before: number;
  readonly after?: number;
}

export interface Report {
  readonly tool: '@expedientes/bench';
  readonly mode: Options['mode'];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: Machine;
  readonly hostGauge?: HostGauge;
  readonly options: Options;
  readonly settings: Record<string, string>;
  readonly scenarios: readonly ScenarioResult[];
  readonly errorCount: number;
  /** Set when the run stopped before its scenarios were done (start-up failed, Ctrl-C). */
  readonly aborted?: string;
}

/** Milliseconds for a table: 0.1 ms below 100, whole ms above. */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

const fixed = (value: number | null | undefined, digits: number): string =>
  value === null || value === undefined ? '–' : value.toFixed(digits);

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] => [
  row(head),
  row(head.map(() => '---')),
  ...rows.map(row),
];
const latencyCells = (summary: Summary | null): string[] =>
  summary
    ? [ms(summary.p50), ms(summary.p95), ms(summary.p99), ms(summary.max)]
    : ['–', '–', '–', '–'];

/** The markdown report: one table per kind of figure, the errors last. */
export function markdown(report: Report): string {
  const { machine: m, options: o } = report;
  const lines: string[] = [];
  lines.push(`## Benchmark: ${report.mode} mode, ${report.startedAt}`, '');
  lines.push(
    `Machine: ${m.nproc} × ${m.cpuModel}, ${(m.memoryMiB / 1024).toFixed(1)} GiB, ` +
      `Node ${m.node}, Linux ${m.kernel}.`,
  );
  lines.push(
    `Options: ${o.smoke ? 'smoke, ' : ''}n ${o.n}, concurrency ${o.concurrency}, rate ${o.rate}/s, ` +
      `visibility rate ${o.visibilityRate}/s, read concurrency ${o.readConcurrency}, ` +
      `duration ${o.durationSeconds} s, timeout ${o.timeoutSeconds} s.`,
  );
  if (report.hostGauge) {
    const { before, after } = report.hostGauge;
    lines.push(
      `Host gauge: ${before.toFixed(1)} CPU-ms before the scenarios` +
        (after === undefined ? '' : `, ${after.toFixed(1)} after`) +
        ' (a fixed piece of JavaScript; a slower host costs more, and every CPU-ms figure with it).',
    );
  }
  const settings = Object.entries(report.settings).map(([key, value]) => `${key}=${value}`);
  if (settings.length > 0) lines.push(`Settings: ${settings.join(', ')}.`);
  if (o.instructions) {
    lines.push(
      'Under callgrind (`--instructions`): times, rates and CPU are those of a process it ' +
        'slows some fifty times; compare the instructions.',
    );
  }
  if (report.aborted) lines.push('', `**Stopped early: ${report.aborted}**`);
  lines.push('');

  const scenarios = report.scenarios;
  lines.push(
    ...table(
      [
        'scenario',
        'ops',
        'ops/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        '202',
        'errors',
        'CPU-ms/op Node',
        'CPU-ms/op servers',
      ],
      scenarios.map((s) => [
        s.loaded === undefined ? s.name : `${s.name} (N = ${s.loaded})`,
        `${s.operations} ${s.operation}s`,
        fixed(s.throughput, 1),
        ...latencyCells(s.latency),
        s.acceptedShare === null ? '–' : `${(s.acceptedShare * 100).toFixed(1)} %`,
        String(s.errorCount),
        fixed(s.nodeCpuMsPerOperation, 2),
        fixed(s.serverCpuMsPerOperation, 2),
      ]),
    ),
    '',
  );

  const names = scenarios[0]?.processes.map((p) => p.name) ?? [];
  if (names.length > 0) {
    const perProcess = (
      title: string,
      figure: (p: ProcessFigures) => number | null,
      digits: number,
    ) => {
      lines.push(title, '');
      lines.push(
        ...table(
          ['scenario', ...names],
          scenarios.map((s) => [
            `${s.name} (per ${s.operation})`,
            ...names.map((name) => {
              const process = s.processes.find((p) => p.name === name);
              return fixed(process ? figure(process) : null, digits);
            }),
          ]),
        ),
        '',
      );
    };
    perProcess('CPU-ms per operation, per process:', (p) => p.cpuMsPerOperation, 2);
    perProcess(
      'Write system calls per operation, per process (messages sent, file writes):',
      (p) => p.writeCallsPerOperation,
      1,
    );
    const last = scenarios[scenarios.length - 1] as ScenarioResult;
    lines.push('Peak RSS (VmHWM) at the end, MiB:', '');
    lines.push(
      ...table(names, [
        names.map((name) => {
          const kb = last.processes.find((p) => p.name === name)?.peakRssKb;
          return kb === null || kb === undefined ? '–' : (kb / 1024).toFixed(0);
        }),
      ]),
      '',
    );
  }

  const counted = scenarios.filter((s) => s.instructionsPerOperation !== undefined);
  if (counted.length > 0) {
    lines.push('Instructions per operation in user space, millions (callgrind):', '');
    lines.push(
      ...table(
        ['scenario', 'instructions'],
        counted.map((s) => [
          `${s.name} (per ${s.operation})`,
          s.instructionsPerOperation ? millions(s.instructionsPerOperation) : '–',
        ]),
      ),
      '',
    );
  }

  const visibility = scenarios.filter((s) => s.visibility);
  for (const s of visibility) {
    const v = s.visibility!;
    lines.push(
      `From 201 to visible, ms (${v.sampled} sampled${v.notSampled ? `, ${v.notSampled} not sampled` : ''}):`,
      '',
    );
    lines.push(
      ...table(
        ['view', 'p50', 'p95', 'p99', 'max'],
        (['detail', 'list', 'search'] as const).map((view) => [view, ...latencyCells(v[view])]),
      ),
      '',
    );
  }

  const overload = scenarios.find((s) => s.name === 'overload');
  if (overload) {
    lines.push(`Overload, answers by kind (${overload.title}):`, '');
    lines.push(
      ...table(
        ['answer', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        Object.entries(overload.answers).map(([kind, a]) => [
          kind,
          String(a.count),
          ...latencyCells(a.latency),
        ]),
      ),
      '',
    );
  }

  const rebuilds = scenarios.filter((s) => s.rebuild);
  if (rebuilds.length > 0) {
    lines.push('Rebuilds:', '');
    lines.push(
      ...table(
        ['rebuild', 'events', 'seconds', 'events/s'],
        rebuilds.map((s) => [
          s.name,
          s.rebuild!.events === null ? '–' : String(s.rebuild!.events),
          s.rebuild!.seconds.toFixed(2),
          fixed(s.rebuild!.eventsPerSecond, 0),
        ]),
      ),
      '',
    );
  }

  lines.push('Scenarios:', '');
  for (const s of scenarios) {
    const notes = s.notes.length > 0 ? ` (${s.notes.join('; ')})` : '';
    lines.push(`- ${s.name}: ${s.title}${notes}.`);
  }
  lines.push('');

  if (report.errorCount > 0) {
    lines.push(`**${report.errorCount} errors:**`, '');
    for (const s of scenarios.filter((each) => each.errorCount > 0)) {
      const kinds = Object.entries(s.errors).map(([kind, count]) => `${count} × ${kind}`);
      lines.push(`- ${s.name}: ${kinds.join(', ')}`);
      // One example of each kind here; the JSON keeps up to three of each.
      const shown = new Set<string>();
      for (const example of s.errorExamples) {
        const kind = Object.keys(s.errors).find((each) => example.startsWith(`${each}: `));
        if (kind === undefined || shown.has(kind)) continue;
        shown.add(kind);
        lines.push(`  - e.g. ${example}`);
      }
    }
  } else {
    lines.push('No errors.');
  }
  return `${lines.join('\n')}\n`;
}

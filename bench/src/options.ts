/** The command line of `npm run bench`: what to start, how hard to drive it, what to run. */

export type Mode = 'embedded' | 'distributed';

export const SCENARIOS = [
  'open',
  'open-rate',
  'transition',
  'load',
  'read',
  'visibility',
  'overload',
  // Only when named: it kills replicas, which needs --mode distributed and two of each.
  'chaos',
  // Last of the work: in the distributed mode the search index then leaves its first consumer group at
  // the end of the topics, as the next user of the shared Kafka (a test suite) expects.
  'rebuild',
  // After all the work, as a night follows a day's work.
  'idle',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** What runs when --scenarios is not given. */
export const DEFAULT_SCENARIOS: readonly ScenarioName[] = SCENARIOS.filter(
  (name) => name !== 'chaos',
);

export interface Options {
  readonly mode: Mode;
  /** Expedientes the `load` scenario brings the system to (and `read` reads among). */
  readonly n: number;
  /** Clients of the closed-loop scenarios (open, transition, load). */
  readonly concurrency: number;
  /** Opens per second of the open-loop scenario (`open-rate`). */
  readonly rate: number;
  /** Opens per second while `visibility` watches each new expediente appear. */
  readonly visibilityRate: number;
  /** Clients of the read scenarios. */
  readonly readConcurrency: number;
  /** Seconds each timed scenario runs (each read kind runs this long too). */
  readonly durationSeconds: number;
  /** Untimed seconds of the same work before open and before transition (see `warmUp`). */
  readonly warmUpSeconds: number;
  /** How long a request may take before the client gives up on it (a `timeout` answer). */
  readonly timeoutSeconds: number;
  readonly scenarios: readonly ScenarioName[];
  /** Where the markdown and JSON reports are written. */
  readonly out: string;
  readonly smoke: boolean;
  /** Whether the platform's processes write V8 CPU profiles beside their logs. */
  readonly profile: boolean;
  /** Whether the embedded process runs under callgrind, which counts its instructions. */
  readonly instructions: boolean;
  /** Processes of each service and of the gateway (distributed), behind a balancer when > 1. */
  readonly replicas: number;
  /** Seconds between two replicas killed by `chaos`. */
  readonly chaosIntervalSeconds: number;
  /** Opens per second during `chaos`, each walked on to Finalizado. */
  readonly chaosRate: number;
  readonly help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: npm run bench -- [options]

  --mode embedded|distributed  what to start (default embedded; distributed runs on the
                               servers of scripts/test-servers.sh: KAFKA_BROKERS, MYSQL_URL,
                               MONGODB_URL, or what \`test-servers.sh env\` prints; each
                               process as its own Kafka user, <SERVICE>_KAFKA_SASL_PASSWORD,
                               else the KAFKA_SASL_USERNAME/PASSWORD given)
  --n N                        expedientes to load before the reads (default 10000)
  --concurrency C              clients of the closed loops: open, transition, load (default 16)
  --rate R                     opens/s of the open loop open-rate (default 50 embedded,
                               20 distributed); overload runs at 3x the measured open throughput
  --visibility-rate R          opens/s while visibility is measured (default 20)
  --read-concurrency C         clients of the read scenarios (default 1)
  --duration S                 seconds per timed scenario (default 20)
  --warm-up S                  untimed seconds of opens before open, and of transitions
                               before transition, for the JIT (default 20 embedded,
                               150 distributed; smoke 1)
  --timeout S                  seconds before a request counts as timed out (default 60)
  --scenarios a,b,...          among ${SCENARIOS.join(', ')} (default all but chaos,
                               in that order)
  --replicas N                 distributed: processes of each service and of the gateway,
                               each set behind a local TCP balancer (default 1; chaos: 2)
  --chaos-interval S           chaos: seconds between two replicas SIGKILLed (default 5)
  --chaos-rate R               chaos: opens/s, each then walked to Finalizado (default 3)
  --out DIR                    where the reports go (default .servers/bench)
  --smoke                      tiny sizes (n 30, concurrency 4, rate 5, visibility rate 2,
                               duration 3, warm-up 1): a quick check that every flow works
  --profile                    the platform's Node processes write CPU profiles (.cpuprofile,
                               for Chrome DevTools or speedscope) into the logs folder
  --instructions               embedded: run the process under valgrind's callgrind and
                               report the instructions it executes per operation (user
                               space), which repeat to a few per cent where CPU time does
                               not; it runs some fifty times slower
  --help                       this text
`;

const SMOKE = {
  n: 30,
  concurrency: 4,
  rate: 5,
  visibilityRate: 2,
  durationSeconds: 3,
  warmUpSeconds: 1,
};

interface Flag {
  readonly key: keyof Options;
  readonly kind: 'int' | 'number' | 'mode' | 'scenarios' | 'string' | 'boolean';
}

const FLAGS: Record<string, Flag> = {
  '--mode': { key: 'mode', kind: 'mode' },
  '--n': { key: 'n', kind: 'int' },
  '--concurrency': { key: 'concurrency', kind: 'int' },
  '--rate': { key: 'rate', kind: 'number' },
  '--visibility-rate': { key: 'visibilityRate', kind: 'number' },
  '--read-concurrency': { key: 'readConcurrency', kind: 'int' },
  '--duration': { key: 'durationSeconds', kind: 'number' },
  '--warm-up': { key: 'warmUpSeconds', kind: 'number' },
  '--timeout': { key: 'timeoutSeconds', kind: 'number' },
  '--scenarios': { key: 'scenarios', kind: 'scenarios' },
  '--out': { key: 'out', kind: 'string' },
  '--smoke': { key: 'smoke', kind: 'boolean' },
  '--profile': { key: 'profile', kind: 'boolean' },
  '--instructions': { key: 'instructions', kind: 'boolean' },
  '--replicas': { key: 'replicas', kind: 'int' },
  '--chaos-interval': { key: 'chaosIntervalSeconds', kind: 'number' },
  '--chaos-rate': { key: 'chaosRate', kind: 'number' },
  '--help': { key: 'help', kind: 'boolean' },
  '-h': { key: 'help', kind: 'boolean' },
};

function valueOf(flag: string, kind: Flag['kind'], raw: string): unknown {
  switch (kind) {
    case 'int': {
      if (!/^\d+$/.test(raw) || Number(raw) < 1) {
        throw new UsageError(`${flag} needs a whole number of at least 1, got '${raw}'`);
      }
      return Number(raw);
    }
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
        throw new UsageError(`${flag} needs a positive number, got '${raw}'`);
      }
      return value;
    }
    case 'mode': {
      if (raw !== 'embedded' && raw !== 'distributed') {
        throw new UsageError(`${flag} is embedded or distributed, got '${raw}'`);
      }
      return raw;
    }
    case 'scenarios': {
      const names = raw
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      if (names.length === 0) throw new UsageError(`${flag} needs at least one scenario`);
      const unknown = names.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
      if (unknown.length > 0) {
        throw new UsageError(
          `unknown scenario(s): ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`,
        );
      }
      // Always run in the documented order, each once: later ones build on earlier ones.
      return SCENARIOS.filter((name) => names.includes(name));
    }
    case 'string': {
      if (raw === '') throw new UsageError(`${flag} needs a value`);
      return raw;
    }
    case 'boolean':
      return true;
  }
}

/** Parses the arguments after `npm run bench --`; throws UsageError with what is wrong. */
export function parseArgs(argv: readonly string[], defaultOut: string): Options {
  const given: Partial<Record<keyof Options, unknown>> = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const flag = FLAGS[name];
    if (!flag) throw new UsageError(`unknown option '${arg}'`);
    if (flag.kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`${name} takes no value`);
      given[flag.key] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq !== -1) raw = arg.slice(eq + 1);
    else {
      raw = argv[index + 1];
      if (raw === undefined || raw.startsWith('--')) throw new UsageError(`${name} needs a value`);
      index++;
    }
    if (given[flag.key] !== undefined) throw new UsageError(`${name} given twice`);
    given[flag.key] = valueOf(name, flag.kind, raw);
  }

  const smoke = given.smoke === true;
  const mode = (given.mode as Mode | undefined) ?? 'embedded';
  const base = {
    n: 10_000,
    concurrency: 16,
    rate: mode === 'embedded' ? 50 : 20,
    visibilityRate: 20,
    durationSeconds: 20,
    warmUpSeconds: mode === 'embedded' ? 20 : 150,
    ...(smoke ? SMOKE : {}),
  };
  const pick = <K extends keyof Options>(key: K, fallback: Options[K]): Options[K] =>
    (given[key] as Options[K] | undefined) ?? fallback;
  const scenarios = pick('scenarios', DEFAULT_SCENARIOS);
  const chaos = scenarios.includes('chaos');
  const replicas = pick('replicas', chaos ? 2 : 1);
  if (chaos && mode !== 'distributed') throw new UsageError('chaos needs --mode distributed');
  if (chaos && replicas < 2) throw new UsageError('chaos needs --replicas 2 or more');
  if (given.instructions && mode !== 'embedded') {
    throw new UsageError('--instructions needs --mode embedded');
  }
  if (replicas > 1 && mode !== 'distributed') {
    throw new UsageError('--replicas needs --mode distributed');
  }
  return {
    mode,
    n: pick('n', base.n),
    concurrency: pick('concurrency', base.concurrency),
    rate: pick('rate', base.rate),
    visibilityRate: pick('visibilityRate', base.visibilityRate),
    readConcurrency: pick('readConcurrency', 1),
    durationSeconds: pick('durationSeconds', base.durationSeconds),
    warmUpSeconds: pick('warmUpSeconds', base.warmUpSeconds),
    timeoutSeconds: pick('timeoutSeconds', 60),
    scenarios,
    out: pick('out', defaultOut),
    smoke,
    profile: given.profile === true,
    instructions: given.instructions === true,
    replicas,
    chaosIntervalSeconds: pick('chaosIntervalSeconds', 5),
    chaosRate: pick('chaosRate', 3),
    help: given.help === true,
  };
}

import { DEFAULT_SCENARIOS, parseArgs, UsageError } from '../src/options';

const parse = (...argv: string[]) => parseArgs(argv, '/out');

describe('parseArgs', () => {
  it('defaults to a real run of every scenario in embedded mode', () => {
    expect(parse()).toEqual({
      mode: 'embedded',
      n: 10_000,
      concurrency: 16,
      rate: 50,
      visibilityRate: 20,
      readConcurrency: 1,
      durationSeconds: 20,
      warmUpSeconds: 20,
      timeoutSeconds: 60,
      scenarios: DEFAULT_SCENARIOS,
      out: '/out',
      smoke: false,
      profile: false,
      instructions: false,
      replicas: 1,
      chaosIntervalSeconds: 5,
      chaosRate: 3,
      help: false,
    });
  });

  it('profiles the platform only when asked', () => {
    expect(parse('--profile')).toMatchObject({ profile: true, n: 10_000 });
  });

  it('counts instructions only when asked, and only of the embedded process', () => {
    expect(parse('--instructions')).toMatchObject({ instructions: true, mode: 'embedded' });
    expect(() => parse('--mode', 'distributed', '--instructions')).toThrow(
      '--instructions needs --mode embedded',
    );
  });

  it('drives the distributed mode at its own default rate and warm-up', () => {
    expect(parse('--mode', 'distributed')).toMatchObject({
      mode: 'distributed',
      rate: 20,
      warmUpSeconds: 150,
    });
  });

  it('takes values after a space or an equals sign', () => {
    expect(
      parse('--n', '1000', '--concurrency=8', '--rate', '12.5', '--duration=5', '--warm-up', '30'),
    ).toMatchObject({ n: 1000, concurrency: 8, rate: 12.5, durationSeconds: 5, warmUpSeconds: 30 });
  });

  it('makes everything tiny with --smoke, but what is given explicitly wins', () => {
    expect(parse('--smoke')).toMatchObject({
      smoke: true,
      n: 30,
      concurrency: 4,
      rate: 5,
      visibilityRate: 2,
      durationSeconds: 3,
      warmUpSeconds: 1,
    });
    expect(parse('--n', '50', '--smoke')).toMatchObject({ smoke: true, n: 50, concurrency: 4 });
  });

  it('kills replicas only when chaos is named, in the distributed mode with two of each', () => {
    expect(DEFAULT_SCENARIOS).not.toContain('chaos');
    expect(parse('--mode', 'distributed', '--scenarios', 'chaos')).toMatchObject({
      scenarios: ['chaos'],
      replicas: 2,
      chaosIntervalSeconds: 5,
      chaosRate: 3,
    });
    expect(() => parse('--scenarios', 'chaos')).toThrow('chaos needs --mode distributed');
    expect(() => parse('--mode', 'distributed', '--scenarios', 'chaos', '--replicas', '1')).toThrow(
      'chaos needs --replicas 2 or more',
    );
    expect(() => parse('--replicas', '2')).toThrow('--replicas needs --mode distributed');
  });

  it('runs the chosen scenarios in the documented order, each once', () => {
    expect(parse('--scenarios', 'read,open, load,read').scenarios).toEqual([
      'open',
      'load',
      'read',
    ]);
  });

  it.each([
    [['--bogus'], "unknown option '--bogus'"],
    [['--n'], '--n needs a value'],
    [['--n', '--smoke'], '--n needs a value'],
    [['--n', '0'], '--n needs a whole number'],
    [['--n', '1.5'], '--n needs a whole number'],
    [['--rate', 'fast'], '--rate needs a positive number'],
    [['--rate', '-3'], '--rate needs a positive number'],
    [['--mode', 'cluster'], '--mode is embedded or distributed'],
    [['--scenarios', 'open,write'], 'unknown scenario(s): write'],
    [['--scenarios', ','], 'needs at least one scenario'],
    [['--smoke=yes'], '--smoke takes no value'],
    [['--n', '5', '--n', '6'], '--n given twice'],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });
});

import { percentile, Samples, summarize } from '../src/stats';

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, index) => index + 1);

  it('is the smallest sample with at least p % at or below it', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 99.5)).toBe(100);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
  });

  it('rounds the rank up on few samples, never interpolates', () => {
    const ten = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000];
    expect(percentile(ten, 50)).toBe(50);
    expect(percentile(ten, 51)).toBe(60);
    expect(percentile(ten, 95)).toBe(1000);
    expect(percentile(ten, 90)).toBe(90);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no samples and percentiles outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow('no samples');
    expect(() => percentile([1], 101)).toThrow('out of range');
    expect(() => percentile([1], -1)).toThrow('out of range');
  });
});

describe('summarize', () => {
  it('sorts numerically, whatever the order given', () => {
    // A default (string) sort would put 100 before 9.
    const summary = summarize([9, 100, 1, 50, 2]);
    expect(summary).toEqual({ count: 5, min: 1, mean: 32.4, p50: 9, p95: 100, p99: 100, max: 100 });
  });

  it('is null without samples', () => {
    expect(summarize([])).toBeNull();
    expect(new Samples().summary()).toBeNull();
  });

  it('keeps every sample it is given', () => {
    const samples = new Samples();
    for (let value = 1000; value >= 1; value--) samples.add(value);
    expect(samples.count).toBe(1000);
    expect(samples.summary()).toMatchObject({ p50: 500, p95: 950, p99: 990, max: 1000, min: 1 });
  });
});

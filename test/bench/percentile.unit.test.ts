import { latencySummary, percentile } from '../../bench/support';

describe('benchmark percentiles (nearest rank)', () => {
  it('when samples come in any order, then the p-th percentile is the smallest sample with at least p % of them at or below it', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100, 99, …, 1
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7, 3, 5], 50)).toBe(5);
    expect(percentile([7, 3, 5], 0)).toBe(3);
    expect(samples[0]).toBe(100); // the caller's array is left as it was
  });

  it('when there are no samples, then every percentile is NaN rather than a made-up zero', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(latencySummary([])).toEqual({ p50: Number.NaN, p99: Number.NaN });
  });

  it('when a benchmark summarises latencies, then it gets the median and the 99th percentile', () => {
    const samples = [900, ...Array.from({ length: 98 }, () => 10), 500]; // 100 samples: the 99th is 500
    expect(latencySummary(samples)).toEqual({ p50: 10, p99: 500 });
  });
});

import { cell, sideBySide } from '../../bench/summary';

describe('make bench side-by-side summary', () => {
  it('when a figure has a same-run baseline, then its cell shows both and their ratio', () => {
    expect(cell({ name: 'onboarding.e2e_rate', value: 6.4, unit: 'per s', baseline: 8 })).toBe(
      '6.40 per s vs 8.00 (0.80×)',
    );
  });

  it('when backends measured different figures, then each row has a column per backend and a dash where one is missing', () => {
    const table = sideBySide([
      { backend: 'dev', name: 'gateway.delivery_lag_p99', value: 164, unit: 'ms', size: 20 },
      { backend: 'dev', name: 'waiting.worker_peak_rss', value: 912.4, unit: 'MiB', size: 100_000 },
      { backend: 'postgres', name: 'gateway.delivery_lag_p99', value: 42.5, unit: 'ms', size: 20 },
    ]).split('\n');
    expect(table[0]).toMatch(/^figure\s+dev\s+postgres\s*$/);
    expect(table[1]).toMatch(/^gateway\.delivery_lag_p99 \(20\)\s+164 ms\s+42\.5 ms\s*$/);
    expect(table[2]).toMatch(/^waiting\.worker_peak_rss \(100000\)\s+912 MiB\s+—\s*$/);
  });

  it('when a figure was measured twice on one backend, then the last measurement is shown', () => {
    const table = sideBySide([
      { backend: 'dev', name: 'waiting.start_rate', value: 90, unit: 'starts/s' },
      { backend: 'dev', name: 'waiting.start_rate', value: 104, unit: 'starts/s' },
    ]);
    expect(table).toContain('104 starts/s');
    expect(table).not.toContain('90.0 starts/s');
  });
});

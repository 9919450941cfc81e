import { retryDelayMs } from '../../src/shared/backoff';

describe('retryDelayMs', () => {
  it('when attempts grow, then each delay is 50–100 % of the base doubled per attempt, never above the cap', () => {
    const options = { retryBaseMs: 1_000, retryMaxMs: 60_000 };
    for (let attempt = 1; attempt <= 40; attempt += 1) {
      const step = Math.min(60_000, 1_000 * 2 ** (attempt - 1));
      for (let draw = 0; draw < 20; draw += 1) {
        const delay = retryDelayMs(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
      }
    }
  });

  it('when the attempt is 0 or less, then the delay is that of the first retry', () => {
    for (const attempt of [0, -3]) {
      const delay = retryDelayMs(attempt, { retryBaseMs: 200, retryMaxMs: 10_000 });
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });
});

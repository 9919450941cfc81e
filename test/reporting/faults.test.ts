import { randomPastWindow, sorted, useReportingHarness } from './support';

interface LoggedRequests {
  requests: { status: number; fault: '429' | '5xx' | null; query: string }[];
  total: number;
}

describe('syncReportingEvents under Authy faults', () => {
  const h = useReportingHarness();

  it('when 10% of requests fail with 5xx and 429 bursts come with and without Retry-After, then the result is still exact', async () => {
    const window = randomPastWindow(60);
    const seeded = await h.seedHistory(window, 12_000);
    await h.emulator.control('POST', '/faults', {
      api: [
        { endpoint: 'reporting.events', tooManyRequests: { rate: 0.02, burstLength: 3, retryAfter: true } },
        { endpoint: 'reporting.events', tooManyRequests: { rate: 0.02, burstLength: 3, retryAfter: false } },
        { endpoint: 'reporting.events', errorRate: 0.1, errorStatus: 503 },
      ],
    });
    try {
      const result = await h.sync({ window, concurrency: 4 });
      expect(result.eventsStored).toBe(12_000);
    } finally {
      await h.emulator.control('POST', '/faults', { api: [] });
    }
    const stored = await h.storedIds(window);
    expect(stored).toHaveLength(await h.groundTruthCount(window));
    expect(sorted(stored)).toEqual(sorted(seeded));

    // The faults really happened: the sync met both 429s and 5xx answers and got past them.
    const log = await h.emulator.control<LoggedRequests>(
      'GET',
      '/requests?endpoint=reporting.events&limit=100000',
    );
    const faults = (kind: '429' | '5xx') => log.requests.filter((r) => r.fault === kind).length;
    expect(faults('429')).toBeGreaterThan(0);
    expect(faults('5xx')).toBeGreaterThan(0);
    // Retries resume after the last stored page: far fewer requests than re-reading windows from page 1.
    const ok = log.requests.filter((r) => r.status === 200).length;
    expect(ok).toBeLessThan(120 + 40);
  });
});

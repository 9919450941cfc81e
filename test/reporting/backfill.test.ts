import { randomPastWindow, sorted, useReportingHarness } from './support';
import { readReportingWatermark } from '../../src/db/reporting-watermarks';

describe('syncReportingEvents: backfill of an explicit window', () => {
  const h = useReportingHarness();

  it('when a window is backfilled, then PostgreSQL holds exactly the events the API holds for it, and a second run adds nothing', async () => {
    const window = randomPastWindow(90);
    const seeded = await h.seedHistory(window, 3_000);
    // Neighbours just outside the window must stay out.
    await h.seedHistory(
      { from: new Date(Date.parse(window.from) - 60_000).toISOString(), to: window.from },
      50,
    );
    await h.seedHistory({ from: window.to, to: new Date(Date.parse(window.to) + 60_000).toISOString() }, 50);

    const first = await h.sync({ window });
    expect(first).toMatchObject({ mode: 'backfill', window, eventsStored: 3_000 });
    expect(first.watermark).toBeUndefined();
    const stored = await h.storedIds(window);
    expect(stored).toHaveLength(await h.groundTruthCount(window));
    expect(sorted(stored)).toEqual(sorted(seeded));

    const again = await h.sync({ window });
    expect(again).toMatchObject({ eventsStored: 0 });
    expect(again.eventsFetched).toBeGreaterThanOrEqual(3_000);
    expect(await h.storedIds(window)).toHaveLength(3_000);
  });

  it('when a window holds more than 10,000 events, then it is split and still stored exactly', async () => {
    const window = randomPastWindow(120);
    const seeded = await h.seedHistory(window, 23_456);
    const result = await h.sync({ window, concurrency: 4 });
    // One query reaches at most 100 pages of 100: more than 10,000 events needs several.
    expect(result.windowsSynced).toBeGreaterThanOrEqual(3);
    expect(result.eventsStored).toBe(23_456);
    const stored = await h.storedIds(window);
    expect(stored).toHaveLength(await h.groundTruthCount(window));
    expect(sorted(stored)).toEqual(sorted(seeded));
  });

  it('when all events of a query fall in a few milliseconds, then identical timestamps at page and split boundaries lose nothing', async () => {
    // 4,000 events in 40 ms: ~100 per millisecond, with a page cap of 5 × 100 to force many splits.
    const from = Date.parse(randomPastWindow(1).from);
    const window = { from: new Date(from).toISOString(), to: new Date(from + 40).toISOString() };
    const seeded = await h.seedHistory(window, 4_000);
    const result = await h.sync({ window, maxPages: 5, concurrency: 3 });
    expect(result.eventsStored).toBe(4_000);
    expect(sorted(await h.storedIds(window))).toEqual(sorted(seeded));
  });

  it('when a sync needs more window activities than one run may hold, then it continues as new and stays exact', async () => {
    const window = randomPastWindow(30);
    const seeded = await h.seedHistory(window, 2_000);
    // A cap of 2 pages × 100 needs at least 10 window queries; each run may hold 3.
    const result = await h.sync({ window, maxPages: 2, concurrency: 2, maxActivitiesPerRun: 3 });
    expect(result.windowsSynced).toBeGreaterThanOrEqual(10);
    expect(result.runs).toBeGreaterThanOrEqual(4);
    expect(result.eventsStored).toBe(2_000);
    expect(sorted(await h.storedIds(window))).toEqual(sorted(seeded));
  });

  it('when the API refuses the query (60089), then the run fails with a readable reason', async () => {
    // A year before 0 is a valid JavaScript date but not a query the Reporting API accepts.
    const window = { from: '-000001-01-01T00:00:00.000Z', to: '2000-01-01T00:00:00.000Z' };
    const failure = await h.sync({ window }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'WorkflowFailedError' });
    const cause = (failure as { cause?: { type?: string; message?: string } }).cause;
    expect(cause?.type).toBe('AuthyInvalidReportingQuery');
    expect(cause?.message).toMatch(/reporting sync of \[-000001-01-01T00:00:00.000Z, .*\) failed: .*60089/);
  });

  it('when the input is unusable, then the run fails at once naming the problem', async () => {
    const failure = await h
      .sync({ window: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, perPage: 500 })
      .catch((error: unknown) => error);
    const cause = (failure as { cause?: { type?: string; message?: string } }).cause;
    expect(cause?.type).toBe('ReportingInvalidInput');
    expect(cause?.message).toMatch(/perPage must be an integer in \[1, 100\]/);
  });

  it('when a backfill runs, then the live watermark of any source is left alone', async () => {
    const window = randomPastWindow(5);
    await h.seedHistory(window, 10);
    const source = `backfill-test-${h.seed}`;
    await h.sync({ window, source });
    expect(await readReportingWatermark(h.pool, source)).toBeNull();
  });
});

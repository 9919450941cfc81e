import { readReportingWatermark } from '../../src/db/reporting-watermarks';
import { waitFor } from '../harness/wait-for';
import { sorted, useReportingHarness } from './support';

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('syncReportingEvents: the live sync and its watermark', () => {
  const h = useReportingHarness();

  it('when events arrive during a live run, then the run stores what was there, moves the watermark to its end, and the next run (overlap) makes it exact', async () => {
    const source = `live-${h.seed}`;
    const start = Date.now();
    const history = { from: iso(start - 50 * MINUTE), to: iso(start - 2 * MINUTE) };
    const initial = await h.seedHistory(history, 20_000);
    // A little latency per request keeps the run going long enough for arrivals to land mid-sync.
    await h.emulator.control('POST', '/faults', { api: [{ endpoint: 'reporting.events', latencyMs: 3 }] });
    const options = { source, initialLookbackMs: 60 * MINUTE, overlapMs: 60 * MINUTE, concurrency: 2 };
    const firstRun = h.sync({ ...options, settleLagMs: MINUTE });
    await waitFor(
      () => h.storedIds(history),
      (ids) => ids.length >= 2_000,
      { what: 'the first live run to be under way', timeoutMs: 30_000 },
    );
    // Arrivals: new events at "now" (after the run's window) and late-indexed ones inside it.
    const newer = await h.seedHistory({ from: iso(Date.now() - 20_000), to: iso(Date.now()) }, 300);
    const late = await h.seedHistory(history, 700);
    const first = await firstRun;
    await h.emulator.control('POST', '/faults', { api: [] });

    expect(first).toMatchObject({ mode: 'live', source });
    expect(Date.parse(first.window!.to)).toBeLessThanOrEqual(Date.now() - MINUTE);
    expect(first.watermark).toBe(first.window!.to);
    expect((await readReportingWatermark(h.pool, source))?.toISOString()).toBe(first.window!.to);
    const afterFirst = new Set(await h.storedIds(first.window!));
    for (const id of initial) expect(afterFirst.has(id)).toBe(true);
    const known = new Set([...initial, ...late]);
    for (const id of afterFirst) expect(known.has(id)).toBe(true);

    // The next run starts an hour (the overlap) before the watermark: it picks up every late event,
    // and with no settle lag it reaches the newest ones too.
    const second = await h.sync({ ...options, settleLagMs: 0 });
    expect(Date.parse(second.window!.from)).toBe(Date.parse(first.window!.to) - 60 * MINUTE);
    const everything = { from: first.window!.from, to: second.window!.to };
    const stored = await h.storedIds(everything);
    expect(stored).toHaveLength(await h.groundTruthCount(everything));
    expect(sorted(stored)).toEqual(sorted([...initial, ...late, ...newer]));
    expect(second.watermark).toBe(second.window!.to);
  });

  it('when a backfill and the live sync run at the same time over the same events, then both finish, nothing is stored twice, and only the live run moves the watermark', async () => {
    const source = `live-concurrent-${h.seed}`;
    const now = Date.now();
    // Older than anything the other tests of this file seed, so the window holds only these events.
    const history = { from: iso(now - 130 * MINUTE), to: iso(now - 100 * MINUTE) };
    const seeded = await h.seedHistory(history, 15_000);
    const [live, backfill] = await Promise.all([
      h.sync({ source, initialLookbackMs: 140 * MINUTE, settleLagMs: MINUTE }),
      h.sync({ source, window: history, concurrency: 3 }),
    ]);
    expect(backfill.watermark).toBeUndefined();
    expect((await readReportingWatermark(h.pool, source))?.toISOString()).toBe(live.window!.to);
    const stored = await h.storedIds(history);
    expect(stored).toHaveLength(15_000);
    expect(sorted(stored)).toEqual(sorted(seeded));
    // Both read these events; between them each was stored once.
    expect(backfill.eventsFetched).toBeGreaterThanOrEqual(15_000);
    expect(live.eventsFetched).toBeGreaterThanOrEqual(15_000);
  });

  it('when the live window is empty (the watermark is at now − settle lag), then the run does nothing and keeps the watermark', async () => {
    const source = `live-empty-${h.seed}`;
    const first = await h.sync({ source, initialLookbackMs: MINUTE, settleLagMs: 0 });
    const again = await h.sync({ source, overlapMs: 0, settleLagMs: 10 * MINUTE });
    expect(again).toMatchObject({ window: null, eventsFetched: 0 });
    expect((await readReportingWatermark(h.pool, source))?.toISOString()).toBe(first.window!.to);
  });
});

import fc from 'fast-check';
import {
  compareTimes,
  liveWindow,
  normaliseWindow,
  partsForRemainder,
  remainderAfterCap,
  splitWindow,
  windowContains,
  windowsAfterCap,
} from '../../src/shared/reporting-window';
import type { ReportingWindow } from '../../src/shared/reporting-window';
import { timeLine } from './time-line';

const { start: BASE, iso } = timeLine('2026-03-01T00:00:00.000Z');

describe('compareTimes', () => {
  it('when times differ below the millisecond, then they are ordered by their microseconds', () => {
    expect(compareTimes('2026-03-01T00:00:00.123456Z', '2026-03-01T00:00:00.123455Z')).toBeGreaterThan(0);
    expect(compareTimes('2026-03-01T00:00:00.1Z', '2026-03-01T00:00:00.100Z')).toBe(0);
    expect(compareTimes('2026-03-01T00:00:00Z', '2026-03-01T00:00:00.001Z')).toBeLessThan(0);
  });
});

describe('splitWindow', () => {
  const windowArb = fc
    .record({
      from: fc.integer({ min: 0, max: 10_000 }),
      span: fc.integer({ min: 0, max: 5_000 }),
      inclusive: fc.boolean(),
      parts: fc.integer({ min: 1, max: 40 }),
    })
    .map(({ from, span, inclusive, parts }) => ({
      window: { from: iso(from), to: iso(from + span), ...(inclusive ? { toInclusive: true } : {}) },
      parts,
    }));

  it('when a window is cut, then every instant of it lies in exactly one part and no other instant in any', () => {
    fc.assert(
      fc.property(windowArb, ({ window, parts }) => {
        const pieces = splitWindow(window, parts);
        expect(pieces.length).toBeLessThanOrEqual(parts);
        // Whether an instant lies in a window changes only at a bound (or just after an inclusive
        // one), so checking every millisecond around every bound checks every instant of the line.
        const bounds = [window, ...pieces].flatMap((w) => [Date.parse(w.from), Date.parse(w.to)]);
        const instants = new Set(bounds.flatMap((b) => [b - 2, b - 1, b, b + 1, b + 2]));
        for (const ms of instants) {
          const owners = pieces.filter((p) => windowContains(p, iso(ms - BASE)));
          expect(owners.length).toBe(windowContains(window, iso(ms - BASE)) ? 1 : 0);
        }
      }),
    );
  });

  it('when the window is a single millisecond, then it is returned whole', () => {
    const single: ReportingWindow = { from: iso(5), to: iso(5), toInclusive: true };
    expect(splitWindow(single, 8)).toEqual([single]);
  });
});

describe('remainderAfterCap', () => {
  it('when a capped query ends at an instant before the upper bound, then the rest is [from, that instant]', () => {
    expect(remainderAfterCap({ from: iso(0), to: iso(100) }, iso(40))).toEqual({
      from: iso(0),
      to: iso(40),
      toInclusive: true,
    });
  });

  it('when every capped event sits at the inclusive upper bound, then no query can make progress', () => {
    expect(remainderAfterCap({ from: iso(0), to: iso(40), toInclusive: true }, iso(40))).toBeUndefined();
  });
});

describe('partsForRemainder / windowsAfterCap', () => {
  it('when the capped part was dense, then the remainder is cut so each part holds about 80% of a cap', () => {
    // 10,000 events in the newest 10 s; the remainder spans 90 s more at the same density.
    const window = { from: iso(0), to: iso(100_000) };
    const remainder = { from: iso(0), to: iso(90_000), toInclusive: true };
    expect(
      partsForRemainder({ window, remainder, eventsRead: 10_000, targetPerPart: 8_000, maxParts: 1000 }),
    ).toBe(Math.ceil(90_000 / 8_000));
    const parts = windowsAfterCap(window, remainder, 10_000, 10_000, 1000);
    expect(parts).toHaveLength(12);
    expect(parts[0]!.from).toBe(remainder.from);
    expect(parts[parts.length - 1]).toMatchObject({ to: remainder.to, toInclusive: true });
  });

  it('when the estimate exceeds the limit, then the number of parts is capped', () => {
    const window = { from: iso(0), to: iso(1_000_000) };
    const remainder = { from: iso(0), to: iso(999_000), toInclusive: true };
    expect(
      partsForRemainder({ window, remainder, eventsRead: 10_000, targetPerPart: 8_000, maxParts: 64 }),
    ).toBe(64);
  });
});

describe('liveWindow', () => {
  const now = BASE + 3_600_000;
  const base = { now, overlapMs: 600_000, settleLagMs: 60_000, initialLookbackMs: 86_400_000 };

  it('when a watermark exists, then the window is [watermark − overlap, now − settle lag)', () => {
    expect(liveWindow({ ...base, watermark: iso(1_800_000) })).toEqual({
      from: iso(1_200_000),
      to: iso(3_540_000),
    });
  });

  it('when there is no watermark yet, then the window reaches back the initial lookback', () => {
    expect(liveWindow({ ...base, watermark: null })).toEqual({
      from: new Date(now - 86_400_000).toISOString(),
      to: iso(3_540_000),
    });
  });

  it('when the watermark is already past now − settle lag + overlap, then there is nothing to sync', () => {
    expect(liveWindow({ ...base, watermark: iso(3_600_000 + 600_000) })).toBeUndefined();
  });
});

describe('normaliseWindow', () => {
  it('when the bounds are valid, then they come back as millisecond ISO strings', () => {
    expect(normaliseWindow({ from: '2026-03-01', to: '2026-03-02T00:00:00Z' })).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-02T00:00:00.000Z',
    });
  });

  it('when a bound is not a time or the window is empty, then a readable problem names it', () => {
    expect(normaliseWindow({ from: 'yesterday', to: iso(0) })).toMatch(/window.from "yesterday"/);
    expect(normaliseWindow({ from: iso(10), to: iso(10) })).toMatch(/must be before/);
  });
});

import fc from 'fast-check';
import {
  readReportingWindow,
  ReportingContractError,
  ReportingWindowUnsplittableError,
} from '../../src/authy/reporting-window-reader';
import type { WindowReadProgress } from '../../src/authy/reporting-window-reader';
import type { ReportingEvent } from '../../src/authy/reporting';
import { splitWindow, windowContains, windowsAfterCap } from '../../src/shared/reporting-window';
import type { ReportingWindow } from '../../src/shared/reporting-window';
import { timeLine } from './time-line';

// A model of the Reporting API: events newest first, optionally with a fresh random order among
// events sharing an instant on every request, and optionally new events arriving between requests.

const { iso } = timeLine('2026-02-01T00:00:00.000Z');

interface ModelEvent extends ReportingEvent {
  request_id: string;
  seq: number;
}

interface ModelOptions {
  perPage: number;
  shuffleTies?: () => number;
  /** Called before each request is answered; may add events. */
  beforeRequest?: (add: (offsetMs: number) => void) => void;
  /** Arrivals that would put more events than this at one instant are dropped. */
  maxPerInstant?: number;
}

function modelApi(initialOffsets: number[], options: ModelOptions) {
  const events: ModelEvent[] = [];
  const perInstant = new Map<number, number>();
  const add = (offsetMs: number) => {
    const n = (perInstant.get(offsetMs) ?? 0) + 1;
    if (n > (options.maxPerInstant ?? Infinity)) return;
    perInstant.set(offsetMs, n);
    const seq = events.length;
    events.push({ event: 'token_verified', time: iso(offsetMs), request_id: `r${seq}`, seq });
  };
  initialOffsets.forEach(add);
  const requests: { window: ReportingWindow; page: number }[] = [];
  const fetchPage = (window: ReportingWindow, page: number): Promise<ReportingEvent[]> => {
    options.beforeRequest?.(add);
    requests.push({ window, page });
    const keyed = events
      .filter((e) => windowContains(window, e.time))
      .map((e) => ({ e, tie: options.shuffleTies ? options.shuffleTies() : e.seq }));
    keyed.sort((a, b) => Date.parse(b.e.time) - Date.parse(a.e.time) || b.tie - a.tie);
    const start = (page - 1) * options.perPage;
    return Promise.resolve(keyed.slice(start, start + options.perPage).map(({ e }) => ({ ...e })));
  };
  return { events, fetchPage, requests };
}

/** The workflow's loop without Temporal: query windows, cut remainders, until nothing is pending. */
async function syncAll(
  window: ReportingWindow,
  fetchPage: (w: ReportingWindow, page: number) => Promise<ReportingEvent[]>,
  limits: { perPage: number; maxPages: number; concurrency: number; storeBatchSize?: number },
): Promise<Map<string, number>> {
  const stored = new Map<string, number>();
  const pending = splitWindow(window, limits.concurrency);
  while (pending.length > 0) {
    const part = pending.shift()!;
    const result = await readReportingWindow({
      window: part,
      perPage: limits.perPage,
      maxPages: limits.maxPages,
      ...(limits.storeBatchSize === undefined ? {} : { storeBatchSize: limits.storeBatchSize }),
      fetchPage,
      storePage: (events) => {
        let added = 0;
        for (const e of events) {
          if (!stored.has(e.request_id!)) added += 1;
          stored.set(e.request_id!, (stored.get(e.request_id!) ?? 0) + 1);
        }
        return Promise.resolve(added);
      },
    });
    if (result.remainder) {
      pending.push(
        ...windowsAfterCap(part, result.remainder, result.fetched, limits.perPage * limits.maxPages, 8),
      );
    }
  }
  return stored;
}

/** Event offsets in [0, span) with at most `maxPerInstant` events sharing one millisecond. */
const offsetsArb = (span: number, maxPerInstant: number) =>
  fc.array(fc.integer({ min: 0, max: span - 1 }), { maxLength: 400 }).map((offsets) => {
    const perInstant = new Map<number, number>();
    return offsets.filter((o) => {
      const n = (perInstant.get(o) ?? 0) + 1;
      perInstant.set(o, n);
      return n <= maxPerInstant;
    });
  });

const limitsArb = fc.record({
  perPage: fc.integer({ min: 2, max: 6 }),
  maxPages: fc.integer({ min: 1, max: 4 }),
  concurrency: fc.integer({ min: 1, max: 4 }),
  storeBatchSize: fc.integer({ min: 1, max: 20 }),
});

/** A model sync: its limits, the span of its window (ms from iso(0)) and the seed of its events. */
const syncCaseArb = fc.record({
  limits: limitsArb,
  span: fc.integer({ min: 1, max: 200 }),
  seed: fc.integer(),
});

describe('readReportingWindow + window splitting against a model of the Reporting API', () => {
  it('when many events share instants and their order changes on every request, then exactly the window is stored', async () => {
    await fc.assert(
      fc.asyncProperty(syncCaseArb, async ({ limits, span, seed }) => {
        // Fewer events per instant than a cap (a full cap at one instant is ambiguous, see the
        // unsplittable case) and at most a page (so an instant's re-read is one page).
        const maxPerInstant = Math.min(limits.perPage, limits.perPage * limits.maxPages - 1);
        const offsets = fc.sample(offsetsArb(span, maxPerInstant), { numRuns: 1, seed })[0]!;
        const rng = mulberry32(seed);
        const api = modelApi(offsets, { perPage: limits.perPage, shuffleTies: rng });
        const window = { from: iso(0), to: iso(span) };
        const stored = await syncAll(window, api.fetchPage, limits);
        expect([...stored.keys()].sort()).toEqual(api.events.map((e) => e.request_id).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('when events arrive during the sync (newer ones and late ones inside the window), then every event present at the start is stored and nothing outside the window', async () => {
    await fc.assert(
      fc.asyncProperty(
        syncCaseArb,
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        async ({ limits, span, seed }, arrivalRate) => {
          const cap = limits.perPage * limits.maxPages - 1;
          const offsets = fc.sample(offsetsArb(span, cap), { numRuns: 1, seed })[0]!;
          const rng = mulberry32(seed);
          const api = modelApi(offsets, {
            perPage: limits.perPage,
            maxPerInstant: cap,
            beforeRequest: (add) => {
              // Arrivals at "now" (after the window) and late-indexed ones inside it.
              while (rng() < arrivalRate)
                add(rng() < 0.5 ? span + Math.floor(rng() * 50) : Math.floor(rng() * span));
            },
          });
          const initialIds = api.events.map((e) => e.request_id);
          const window = { from: iso(0), to: iso(span) };
          const stored = await syncAll(window, api.fetchPage, limits);
          for (const id of initialIds) expect(stored.has(id)).toBe(true);
          const inWindow = new Set(
            api.events.filter((e) => windowContains(window, e.time)).map((e) => e.request_id),
          );
          for (const id of stored.keys()) expect(inWindow.has(id)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([1, 12])(
    'when a read (storing %i events at a time) stops mid-window and resumes from its checkpoint, then the result is as if it never stopped',
    async (storeBatchSize) => {
      const offsets = Array.from({ length: 57 }, (_, i) => Math.floor(i / 3));
      const api = modelApi(offsets, { perPage: 5 });
      const window = { from: iso(0), to: iso(100) };
      const stored = new Set<string>();
      const storePage = (events: ReportingEvent[]) => {
        const before = stored.size;
        events.forEach((e) => stored.add(e.request_id!));
        return Promise.resolve(stored.size - before);
      };
      const read = { window, perPage: 5, maxPages: 20, storeBatchSize, fetchPage: api.fetchPage, storePage };
      let checkpoint: WindowReadProgress | undefined;
      await expect(
        readReportingWindow({
          ...read,
          onPage: (progress) => {
            checkpoint = progress;
            if (progress.page >= 4) throw new Error('worker died');
          },
        }),
      ).rejects.toThrow('worker died');
      const requestsBefore = api.requests.length;
      const result = await readReportingWindow({ ...read, resume: checkpoint! });
      expect(stored.size).toBe(57);
      expect(result).toMatchObject({ page: 12, stored: 57, lastPageFull: false, tiesToCheck: [] });
      // The resumed read went on at page 5; other requests re-read instants that straddled pages.
      const resumedPages = api.requests.slice(requestsBefore).filter((r) => r.window === window);
      const firstUnstored = checkpoint!.page + 1;
      expect(resumedPages.map((r) => r.page)).toEqual(
        Array.from({ length: 13 - firstUnstored }, (_, i) => firstUnstored + i),
      );
    },
  );

  it('when more events share one instant than a query can page, then the read fails with a readable reason', async () => {
    const api = modelApi(
      Array.from({ length: 13 }, () => 7),
      { perPage: 4 },
    );
    await expect(
      syncAll({ from: iso(0), to: iso(10) }, api.fetchPage, { perPage: 4, maxPages: 3, concurrency: 1 }),
    ).rejects.toThrow(ReportingWindowUnsplittableError);
    await expect(
      syncAll({ from: iso(0), to: iso(10) }, api.fetchPage, { perPage: 4, maxPages: 3, concurrency: 1 }),
    ).rejects.toThrow(/more than 12 events share the instant 2026-02-01T00:00:00.007Z/);
  });

  it('when the API returns an event outside the window or out of order, then the read refuses it', async () => {
    const window = { from: iso(0), to: iso(10) };
    const read = (events: ReportingEvent[]) =>
      readReportingWindow({
        window,
        perPage: 10,
        maxPages: 1,
        fetchPage: () => Promise.resolve(events),
        storePage: () => Promise.resolve(0),
      });
    await expect(read([{ event: 'x', time: iso(10), request_id: 'a' }])).rejects.toThrow(
      ReportingContractError,
    );
    await expect(
      read([
        { event: 'x', time: iso(1), request_id: 'a' },
        { event: 'x', time: iso(2), request_id: 'b' },
      ]),
    ).rejects.toThrow(/not sorted newest first/);
  });
});

/** Small deterministic PRNG so a failing fast-check seed replays exactly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

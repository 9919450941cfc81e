// How one window query of the Reporting API is paged: a pure algorithm over injected I/O (fetch a
// page, store a batch), so it is tested against a model of the API without Temporal or PostgreSQL.
// The `syncReportingWindow` activity (src/activities/reporting.ts) runs it with the real client and
// database and heartbeats its checkpoints (docs/reporting-sync.md#windows-paging-and-splitting).
import type { ReportingEvent } from './reporting';
import { compareTimes, remainderAfterCap, windowContains } from '../shared/reporting-window';
import type { ReportingWindow } from '../shared/reporting-window';

/** Progress through one window query; also the activity's heartbeat checkpoint. */
export interface WindowReadProgress {
  /** Last page of the main query fetched and stored (0 before the first). */
  page: number;
  fetched: number;
  stored: number;
  /** Oldest `time` in the last page, exactly as Authy sent it. */
  oldestOfLastPage?: string;
  lastPageFull: boolean;
  /** Instants whose events straddled a page boundary; each is re-read on its own after the query. */
  tiesToCheck: string[];
  /** Pages fetched for those re-reads. */
  tiePages: number;
}

/** Outcome of {@link readReportingWindow}. */
export interface WindowReadResult extends WindowReadProgress {
  /** Set when the page cap was reached: the part of the window still unread. */
  remainder?: ReportingWindow;
}

/** What {@link readReportingWindow} needs: the window, the page limits and the I/O for one page. */
export interface ReadReportingWindowOptions {
  window: ReportingWindow;
  perPage: number;
  maxPages: number;
  /** One page of a window's events, newest first. */
  fetchPage(window: ReportingWindow, page: number): Promise<ReportingEvent[]>;
  /** Stores a batch of events (one or more pages) idempotently; returns how many were new. */
  storePage(events: ReportingEvent[]): Promise<number>;
  /** Events buffered before a store (default one page); fetching continues while a batch is stored. */
  storeBatchSize?: number;
  /** Called after each stored batch (the activity heartbeats here; throwing stops the read). */
  onPage?(progress: WindowReadProgress): void;
  /** A checkpoint of an earlier attempt on the same window: continue after its last page. */
  resume?: WindowReadProgress;
}

/** The API answered something the sync cannot trust (unsorted page, event outside the window). */
export class ReportingContractError extends Error {
  override name = 'ReportingContractError';
}

/** More events share one instant than one query can page through (`maxPages × perPage`). */
export class ReportingWindowUnsplittableError extends Error {
  override name = 'ReportingWindowUnsplittableError';
}

/**
 * Pages one window query (`time >= from` and `time < to` / `<= to`) from page 1 until a short page or
 * the page cap, storing each page before moving on, and fetching the next page while the current one
 * is stored. At the cap it returns the unread remainder [from, oldest of the last page].
 *
 * Why nothing is missed: Authy lists newest first, so an event present when the query starts can only
 * move to a later position (newer arrivals are listed before it), never back over the page being
 * read; so every event newer than the last page's oldest is read, and everything unread is at or
 * before that instant, which the (inclusive) remainder covers. Events sharing one instant may come
 * in a different order on each request; where such a group straddles two pages, the instant is
 * re-read on its own, so that order cannot hide any of them.
 */
export async function readReportingWindow(options: ReadReportingWindowOptions): Promise<WindowReadResult> {
  const { window, perPage, maxPages } = options;
  let progress: WindowReadProgress = options.resume ?? {
    page: 0,
    fetched: 0,
    stored: 0,
    lastPageFull: true,
    tiesToCheck: [],
    tiePages: 0,
  };
  // `cursor` is how far pages have been fetched, `progress` how far they have been stored. Pages are
  // fetched one ahead and buffered; a full buffer is stored while fetching goes on, one store at a
  // time, so the checkpoint (progress) only ever covers stored pages, in order.
  let cursor = progress;
  let buffer: ReportingEvent[] = [];
  let storing: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = buffer;
    const through = cursor;
    buffer = [];
    const previous = storing;
    storing = (async () => {
      await previous;
      const stored = await options.storePage(batch);
      progress = {
        ...through,
        fetched: progress.fetched + batch.length,
        stored: progress.stored + stored,
        tiePages: progress.tiePages,
      };
      options.onPage?.(progress);
    })();
    // A failed store surfaces at the next flush or at the end, not as an unhandled rejection.
    storing.catch(() => undefined);
  };
  let next: Promise<ReportingEvent[]> | undefined;
  while (cursor.lastPageFull && cursor.page < maxPages) {
    const page = cursor.page + 1;
    const events = await (next ?? options.fetchPage(window, page));
    next = undefined;
    checkPage(window, page, events);
    const full = events.length >= perPage;
    const more = full && page < maxPages;
    if (more) next = prefetch(() => options.fetchPage(window, page + 1));
    const previousOldest = cursor.oldestOfLastPage;
    const straddles =
      previousOldest !== undefined &&
      events.length > 0 &&
      compareTimes(events[0]!.time, previousOldest) === 0;
    cursor = {
      ...cursor,
      page,
      lastPageFull: full,
      ...(events.length > 0 ? { oldestOfLastPage: events[events.length - 1]!.time } : {}),
      tiesToCheck: straddles ? [...cursor.tiesToCheck, previousOldest] : cursor.tiesToCheck,
    };
    buffer.push(...events);
    if (buffer.length >= (options.storeBatchSize ?? perPage) || !more) {
      await storing;
      flush();
    }
  }
  await storing;

  const capped = progress.lastPageFull && progress.oldestOfLastPage !== undefined;
  const remainder = capped ? remainderAfterCap(window, progress.oldestOfLastPage!) : undefined;
  if (capped && !remainder) throw unsplittable(progress.oldestOfLastPage!, maxPages * perPage);

  while (progress.tiesToCheck.length > 0) {
    const [instant, ...rest] = progress.tiesToCheck as [string, ...string[]];
    // The remainder re-reads its own upper instant anyway.
    const counts =
      remainder && compareTimes(instant, remainder.to) === 0
        ? { fetched: 0, stored: 0, pages: 0 }
        : await readInstant(options, instant);
    progress = {
      ...progress,
      fetched: progress.fetched + counts.fetched,
      stored: progress.stored + counts.stored,
      tiePages: progress.tiePages + counts.pages,
      tiesToCheck: rest,
    };
    options.onPage?.(progress);
  }
  return remainder ? { ...progress, remainder } : progress;
}

/** Reads every event at exactly `instant` ([instant, instant]). */
async function readInstant(
  options: ReadReportingWindowOptions,
  instant: string,
): Promise<{ fetched: number; stored: number; pages: number }> {
  const window: ReportingWindow = { from: instant, to: instant, toInclusive: true };
  const counts = { fetched: 0, stored: 0, pages: 0 };
  for (let page = 1; page <= options.maxPages; page += 1) {
    const events = await options.fetchPage(window, page);
    checkPage(window, page, events);
    counts.fetched += events.length;
    counts.stored += await options.storePage(events);
    counts.pages = page;
    if (events.length < options.perPage) return counts;
  }
  throw unsplittable(instant, options.maxPages * options.perPage);
}

function unsplittable(instant: string, cap: number): ReportingWindowUnsplittableError {
  return new ReportingWindowUnsplittableError(
    `more than ${cap} events share the instant ${instant}: ` +
      'the Reporting API cannot page past them (narrow the query by event type)',
  );
}

/** Starts a fetch whose failure surfaces when awaited, not as an unhandled rejection. */
function prefetch(fetchPage: () => Promise<ReportingEvent[]>): Promise<ReportingEvent[]> {
  const promise = fetchPage();
  promise.catch(() => undefined);
  return promise;
}

/** The no-gap argument relies on newest-first order and on the time filter: verify both. */
function checkPage(window: ReportingWindow, page: number, events: ReportingEvent[]): void {
  // Whole milliseconds decide almost every comparison; compareTimes only settles same-millisecond ones.
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  let previousMs = Infinity;
  for (let i = 0; i < events.length; i += 1) {
    const time = events[i]!.time;
    const ms = Date.parse(time);
    const inside = ms > fromMs && ms < toMs ? true : windowContains(window, time);
    if (!inside) {
      throw new ReportingContractError(
        `Reporting API returned an event at ${time} outside the queried window ` +
          `[${window.from}, ${window.to}${window.toInclusive ? ']' : ')'} (page ${page})`,
      );
    }
    const newer = ms > previousMs || (ms === previousMs && compareTimes(time, events[i - 1]!.time) > 0);
    if (newer) {
      throw new ReportingContractError(
        `Reporting API page ${page} is not sorted newest first (${events[i - 1]!.time} before ${time})`,
      );
    }
    previousMs = ms;
  }
}

import type { ReportingEvent } from '../event-objects';
import type { EventStore } from './event-store';
import type { ReportingFilter } from './query-match';

/** One non-empty time bucket: its start (epoch ms, a UTC multiple of the interval) and its count. */
export interface HistogramBucket {
  start: number;
  count: number;
}

/** One series to count: its filter and the store indexes [lo, hi) its time window (and retention) allow. */
export interface SeriesWindow {
  filter: ReportingFilter;
  lo: number;
  hi: number;
}

/** Which non-empty buckets to return per series, newest first: skip the first `skip`, keep `limit`. */
export interface BucketRange {
  intervalMs: number;
  skip: number;
  limit: number;
}

interface SeriesState {
  lo: number;
  hi: number;
  codes: Uint8Array | null;
  rows: ((event: ReportingEvent) => boolean)[];
  current: number;
  count: number;
  seen: number;
  buckets: HistogramBucket[];
  done: boolean;
}

/**
 * Counts every series' non-empty buckets in one pass over the store's columns, from the newest index
 * down (date_histogram, docs/authy-api.md#35-date-histogram). Time and event-name conditions read only the columns; an event
 * is rebuilt only when a series has `objects.*`/`request_id` conditions, and at most once for all
 * series. A series stops once its page of buckets is complete.
 */
export function countBuckets(
  store: Pick<EventStore, 'timeAt' | 'codeAt'>,
  eventAt: (index: number) => ReportingEvent,
  windows: readonly SeriesWindow[],
  range: BucketRange,
): HistogramBucket[][] {
  const states: SeriesState[] = windows.map(({ filter, lo, hi }) => ({
    lo,
    hi,
    codes: filter.codes,
    rows: filter.rows,
    current: NaN,
    count: 0,
    seen: 0,
    buckets: [],
    done: lo >= hi || range.limit <= 0,
  }));
  let active = states.filter((s) => !s.done);
  let top = 0;
  let bottom = Infinity;
  for (const s of active) {
    top = Math.max(top, s.hi);
    bottom = Math.min(bottom, s.lo);
  }
  const { intervalMs } = range;
  for (let i = top - 1; i >= bottom && active.length > 0; i -= 1) {
    const time = store.timeAt(i);
    const code = store.codeAt(i);
    let event: ReportingEvent | undefined;
    let finished = false;
    for (const s of active) {
      if (i >= s.hi) continue;
      if (i < s.lo) {
        finish(s, range);
        finished = true;
        continue;
      }
      if (s.codes !== null && s.codes[code] !== 1) continue;
      if (s.rows.length > 0) {
        event ??= eventAt(i);
        const candidate = event;
        if (!s.rows.every((test) => test(candidate))) continue;
      }
      const bucket = Math.floor(time / intervalMs) * intervalMs;
      if (bucket !== s.current) {
        if (s.count > 0 && emit(s, range)) {
          finished = true;
          continue;
        }
        s.current = bucket;
        s.count = 0;
      }
      s.count += 1;
    }
    if (finished) active = active.filter((s) => !s.done);
  }
  for (const s of active) finish(s, range);
  return states.map((s) => s.buckets);
}

/** Closes the bucket being counted; true when the series has its whole page. */
function emit(s: SeriesState, range: BucketRange): boolean {
  s.seen += 1;
  if (s.seen > range.skip) s.buckets.push({ start: s.current, count: s.count });
  s.count = 0;
  s.done = s.buckets.length >= range.limit;
  return s.done;
}

function finish(s: SeriesState, range: BucketRange): void {
  if (!s.done && s.count > 0) emit(s, range);
  s.done = true;
}

// Pure time-window arithmetic of the reporting sync. No I/O and no Temporal imports: the workflow,
// the window reader (src/authy/reporting-window-reader.ts), the client helpers and the unit tests
// share it.

/**
 * A slice of Reporting API time: `from` inclusive, `to` exclusive unless `toInclusive`. Bounds are ISO
 * 8601 strings; a bound copied from an event's `time` keeps Authy's precision.
 */
export interface ReportingWindow {
  from: string;
  to: string;
  toInclusive?: boolean;
}

/** Orders two ISO times at microsecond precision (Date.parse alone stops at milliseconds). */
export function compareTimes(a: string, b: string): number {
  const [msA, subA] = timeKey(a);
  const [msB, subB] = timeKey(b);
  return msA === msB ? subA - subB : msA - msB;
}

function timeKey(iso: string): [number, number] {
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  return [Date.parse(iso), Number((fraction.slice(3) + '000').slice(0, 3))];
}

/** True when an event at `time` belongs to the window. */
export function windowContains(window: ReportingWindow, time: string): boolean {
  if (compareTimes(time, window.from) < 0) return false;
  const upper = compareTimes(time, window.to);
  return window.toInclusive ? upper <= 0 : upper < 0;
}

/** Milliseconds the window spans (0 for a single instant). */
export function windowSpanMs(window: ReportingWindow): number {
  return Math.max(0, Date.parse(window.to) - Date.parse(window.from));
}

/**
 * Cuts a window into at most `parts` consecutive windows that cover exactly its instants, no more and
 * no fewer: inner boundaries are whole milliseconds strictly inside it, each part ends (exclusive)
 * where the next begins, and the last part keeps the original upper bound and its inclusiveness.
 */
export function splitWindow(window: ReportingWindow, parts: number): ReportingWindow[] {
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  const span = toMs - fromMs;
  const boundaries: number[] = [];
  for (let i = 1; i < Math.floor(parts); i += 1) {
    const boundary = fromMs + Math.floor((i * span) / parts);
    if (boundary > fromMs && boundary < toMs && boundary !== boundaries[boundaries.length - 1]) {
      boundaries.push(boundary);
    }
  }
  if (boundaries.length === 0) return [window];
  const starts = [window.from, ...boundaries.map((ms) => new Date(ms).toISOString())];
  return starts.map((from, index) =>
    index < boundaries.length
      ? { from, to: starts[index + 1]! }
      : { from, to: window.to, ...(window.toInclusive ? { toInclusive: true } : {}) },
  );
}

/**
 * What is left of `window` after one query returned its newest events down to the page cap, the
 * oldest of them (in the last page) at `oldest`: everything unread is at or before `oldest`, so the
 * rest is [from, oldest] — inclusive, because events sharing `oldest` may not all have been read.
 * Undefined when that is the window itself (every capped event at its inclusive upper bound): no
 * query can then make progress.
 */
export function remainderAfterCap(window: ReportingWindow, oldest: string): ReportingWindow | undefined {
  if (window.toInclusive && compareTimes(oldest, window.to) >= 0) return undefined;
  return { from: window.from, to: oldest, toInclusive: true };
}

/** Inputs of {@link partsForRemainder}. */
export interface RemainderSizing {
  window: ReportingWindow;
  remainder: ReportingWindow;
  /** Events the capped query returned (its density estimates the remainder's). */
  eventsRead: number;
  /** Events one part should hold: below the page cap, so most parts finish in one query. */
  targetPerPart: number;
  maxParts: number;
}

/**
 * How many parts to cut a remainder into: the capped query saw `eventsRead` events between the
 * remainder's end and the window's end; assuming the same density, each part gets about
 * `targetPerPart`. A wrong guess costs only speed: a part that is still too full is capped and cut
 * again.
 */
export function partsForRemainder(sizing: RemainderSizing): number {
  const readSpan = Math.max(1, Date.parse(sizing.window.to) - Date.parse(sizing.remainder.to));
  const estimate = (sizing.eventsRead / readSpan) * windowSpanMs(sizing.remainder);
  const parts = Math.ceil(estimate / Math.max(1, sizing.targetPerPart));
  return Math.min(sizing.maxParts, Math.max(1, parts));
}

/** Share of the page cap a split part aims for, so most parts finish in one query. */
export const SPLIT_TARGET_FILL = 0.8;

/**
 * The windows to query next after a query of `window` hit the page cap (`cap` = pages × page size)
 * having read `eventsRead` events: its remainder, cut so each part should hold ~80 % of a cap.
 */
export function windowsAfterCap(
  window: ReportingWindow,
  remainder: ReportingWindow,
  eventsRead: number,
  cap: number,
  maxParts: number,
): ReportingWindow[] {
  const targetPerPart = Math.max(1, Math.floor(cap * SPLIT_TARGET_FILL));
  return splitWindow(
    remainder,
    partsForRemainder({ window, remainder, eventsRead, targetPerPart, maxParts }),
  );
}

/** Inputs of {@link liveWindow}, durations in milliseconds. */
export interface LiveWindowOptions {
  now: number;
  /** The previous live run stored everything before this instant; null before the first run. */
  watermark: string | null;
  overlapMs: number;
  settleLagMs: number;
  initialLookbackMs: number;
}

/**
 * The live sync's next window: [watermark − overlap, now − settle lag). The overlap re-reads recent
 * history so events Authy indexes late are still caught; the settle lag keeps the window away from
 * the instant events are still arriving in. Undefined when the window would be empty.
 */
export function liveWindow(options: LiveWindowOptions): ReportingWindow | undefined {
  const toMs = options.now - options.settleLagMs;
  const fromMs =
    options.watermark === null
      ? options.now - options.initialLookbackMs
      : Date.parse(options.watermark) - options.overlapMs;
  if (!(fromMs < toMs)) return undefined;
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

/**
 * Validates an explicit (backfill) window and normalises its bounds to millisecond ISO strings;
 * returns a readable problem instead when it is unusable.
 */
export function normaliseWindow(window: { from: string; to: string }): ReportingWindow | string {
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  if (Number.isNaN(fromMs)) return `window.from "${window.from}" is not an ISO 8601 time`;
  if (Number.isNaN(toMs)) return `window.to "${window.to}" is not an ISO 8601 time`;
  if (!(fromMs < toMs)) return `window.from (${window.from}) must be before window.to (${window.to})`;
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

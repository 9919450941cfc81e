import type { HistogramBucket } from './date-histogram';
import type { HistogramInterval } from './date-histogram-query';

/** One bucket as answered: its UTC start in ISO 8601 with milliseconds, and how many events fell in it. */
export interface DateHistogramBucket {
  time: string;
  count: number;
}

/**
 * The date_histogram answer. Twilio's shape is UNCONFIRMED (docs/authy-api.md#35-date-histogram: no captured sample), so
 * this is the emulator's choice, kept here alone so it is easy to change (docs/emulator.md says why).
 */
export interface DateHistogramBody {
  success: true;
  interval: HistogramInterval;
  /** One entry per `report[<label>]`, in request order: its non-empty buckets, newest first. */
  reports: Record<string, DateHistogramBucket[]>;
}

/** Builds the answer from each series' label and counted buckets. */
export function dateHistogramBody(
  interval: HistogramInterval,
  series: readonly { label: string; buckets: readonly HistogramBucket[] }[],
): DateHistogramBody {
  // fromEntries defines own properties, so even a label like "__proto__" (JSON body) is kept.
  const reports = Object.fromEntries(
    series.map(({ label, buckets }) => [
      label,
      buckets.map(({ start, count }) => ({ time: new Date(start).toISOString(), count })),
    ]),
  );
  return { success: true, interval, reports };
}

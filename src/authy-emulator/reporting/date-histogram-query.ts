import { isRecord } from '../../shared/is-record';
import { bothFilters } from './query-match';
import type { ReportingFilter } from './query-match';
import { MAX_PAGE, pagingNumber, parseConditions, ReportingQueryError } from './query-parse';

/** Bucket widths of `interval` (docs/authy-api.md#35-date-histogram names minute, hour and day; buckets start on UTC multiples). */
export const HISTOGRAM_INTERVALS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type HistogramInterval = keyof typeof HISTOGRAM_INTERVALS;

/** Non-empty buckets per series on one page (chosen: docs/authy-api.md#35-date-histogram names `page` but not its size). */
export const BUCKETS_PER_PAGE = 100;

/** Most series one request may define (chosen, so one request cannot ask for unbounded work). */
export const MAX_SERIES = 20;

/** Which Authy error a bad date_histogram request answers (docs/authy-api.md#33-paging-and-limits): 60094, 60095 or 60089. */
export type DateHistogramFault = 'interval' | 'report' | 'query';

/** A date_histogram request the Reporting API would refuse; `fault` picks the error code. */
export class DateHistogramQueryError extends Error {
  override name = 'DateHistogramQueryError';
  constructor(
    readonly fault: DateHistogramFault,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One named series: its label and its conditions with the scope already ANDed in. */
export interface HistogramSeries {
  label: string;
  filter: ReportingFilter;
}

/** A parsed `GET /protected/json/reporting/date_histogram` request. */
export interface DateHistogramQuery {
  interval: HistogramInterval;
  series: HistogramSeries[];
  page: number;
}

/**
 * Parses `report[<label>][<attr>][<op>]=<value>` (one or more series, conditions under one label
 * ANDed), `scope[<attr>][<op>]=<value>` (ANDed into every series), `interval` and `page` from
 * qs-parsed parameters (docs/authy-api.md#35-date-histogram). Conditions read exactly as the events endpoint's `query`.
 */
export function parseDateHistogramQuery(params: Record<string, unknown>): DateHistogramQuery {
  const interval = parseInterval(params.interval);
  const reports = parseReports(params.report);
  const scope = asFault('query', () => parseConditions(params.scope, 'scope'));
  const page = asFault('query', () => pagingNumber(params.page, 'page', 1, MAX_PAGE));
  return {
    interval,
    series: reports.map(({ label, filter }) => ({ label, filter: bothFilters(filter, scope) })),
    page,
  };
}

function parseInterval(value: unknown): HistogramInterval {
  if (typeof value === 'string' && Object.hasOwn(HISTOGRAM_INTERVALS, value)) {
    return value as HistogramInterval;
  }
  const given = value === undefined ? 'none given' : `got ${JSON.stringify(value)}`;
  throw new DateHistogramQueryError(
    'interval',
    `interval must be one of ${Object.keys(HISTOGRAM_INTERVALS).join(', ')} (${given})`,
  );
}

function parseReports(raw: unknown): HistogramSeries[] {
  if (raw === undefined || raw === '') {
    throw new DateHistogramQueryError(
      'report',
      'at least one series is needed: report[<label>][<attribute>][<operator>]=value',
    );
  }
  if (Array.isArray(raw)) {
    // qs reads report[0][…] and report[][…] as array entries, which loses the label.
    throw new DateHistogramQueryError('report', 'report labels must be names, not numbers or empty');
  }
  if (!isRecord(raw)) {
    throw new DateHistogramQueryError(
      'report',
      'report must be given as report[<label>][<attribute>][<operator>]=value',
    );
  }
  const labels = Object.keys(raw);
  if (labels.length > MAX_SERIES) {
    throw new DateHistogramQueryError('report', `at most ${MAX_SERIES} series per request`);
  }
  return labels.map((label) => {
    const conditions = raw[label];
    if (!isRecord(conditions) || Object.keys(conditions).length === 0) {
      throw new DateHistogramQueryError(
        'report',
        `report[${label}] needs conditions: report[${label}][<attribute>][<operator>]=value`,
      );
    }
    const filter = asFault(
      'report',
      () => parseConditions(conditions, `report[${label}]`),
      `report[${label}]: `,
    );
    return { label, filter };
  });
}

/** Runs a shared parser; its ReportingQueryError becomes this endpoint's `fault` (message prefixed). */
function asFault<T>(fault: DateHistogramFault, parse: () => T, prefix = ''): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ReportingQueryError) {
      throw new DateHistogramQueryError(fault, prefix + error.message, { cause: error });
    }
    throw error;
  }
}

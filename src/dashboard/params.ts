import { z } from 'zod';
import type { DashboardPeriod } from '../db/dashboard-funnel';
import { DashboardHttpError } from './errors';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest period one request may cover: a year of daily points (plus a leap day). */
export const MAX_PERIOD_DAYS = 366;
/** Period when the request names none: the last 30 UTC days, today included. */
export const DEFAULT_PERIOD_DAYS = 30;

const INSTANT_HINT = 'expected an ISO 8601 date (2026-03-01) or date-time with offset (2026-03-01T12:00:00Z)';

/** A date (`YYYY-MM-DD`, midnight UTC) or a date-time with an offset. */
const InstantSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: INSTANT_HINT })
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value));

/** Query of every period panel: `from` inclusive, `to` exclusive; both optional. */
export const PeriodQuerySchema = z.strictObject({
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
});
export type PeriodQuery = z.infer<typeof PeriodQuerySchema>;

/** Which onboardings a panel covers: one provider's, or every provider's (`all`, the default). */
export const ProviderFilterSchema = z
  .enum(['all', 'authy', 'verify'], { error: 'expected all, authy or verify' })
  .default('all');
export type ProviderFilter = z.infer<typeof ProviderFilterSchema>;

/** Query of the funnel panel: a period and a provider filter. */
export const FunnelQuerySchema = z.strictObject({
  ...PeriodQuerySchema.shape,
  provider: ProviderFilterSchema,
});

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS } as const;

/** A duration such as `90s`, `30m`, `2h` or `3d`, in milliseconds. */
const DurationSchema = z
  .string()
  .regex(/^\d{1,6}[smhd]$/, 'expected a duration such as 30m, 2h or 3d')
  .transform(
    (value) => Number(value.slice(0, -1)) * DURATION_UNITS_MS[value.slice(-1) as 's' | 'm' | 'h' | 'd'],
  );

/** Query of the stuck-onboardings panel. */
export const StuckQuerySchema = z.strictObject({
  /** Waiting longer than this counts as stuck (default 1h). */
  olderThan: DurationSchema.prefault('1h'),
  /** Longest waits listed per stage (default 10, at most 100). */
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'expected a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1, 'expected at least 1').max(100, 'expected at most 100'))
    .prefault('10'),
  /** Only this provider's runs in `stuck` and `longest` (default all). */
  provider: ProviderFilterSchema,
});
export type StuckQuery = z.infer<typeof StuckQuerySchema>;

/** Parses a request's query with `schema`, or throws a 400 whose message names every bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, unknown>): z.output<S> {
  // A repeated parameter (`?from=a&from=b`) arrives as an array: ambiguous, so refused by name.
  const repeated = Object.keys(query).filter((key) => Array.isArray(query[key]));
  if (repeated.length > 0) {
    const problems = repeated.map((key) => `${key}: expected a single value`);
    throw new DashboardHttpError(400, 'bad_request', problems.join('; '));
  }
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown parameter(s): ${issue.keys.join(', ')}`;
    return `${issue.path.map(String).join('.') || 'query'}: ${issue.message}`;
  });
  throw new DashboardHttpError(400, 'bad_request', problems.join('; '));
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * The period a request asks for. Missing bounds default to a {@link DEFAULT_PERIOD_DAYS}-day period
 * ending at the end of today (UTC); `from` must be before `to` and the period at most
 * {@link MAX_PERIOD_DAYS} days long.
 */
export function resolvePeriod(query: PeriodQuery, now: Date): DashboardPeriod {
  const defaultSpan = DEFAULT_PERIOD_DAYS * DAY_MS;
  const to = query.to ?? (query.from ? new Date(query.from.getTime() + defaultSpan) : undefined);
  const end = to ?? new Date(startOfUtcDay(now.getTime()) + DAY_MS);
  const start = query.from ?? new Date(end.getTime() - defaultSpan);
  if (start.getTime() >= end.getTime()) {
    throw new DashboardHttpError(400, 'bad_request', 'from: must be before to');
  }
  if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new DashboardHttpError(
      400,
      'bad_request',
      `to: the period may span at most ${MAX_PERIOD_DAYS} days`,
    );
  }
  return { from: start, to: end };
}

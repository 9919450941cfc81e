import type { DashboardPeriod } from './dashboard-funnel';
import type { DbPool } from './pool';

/** Which stored reporting events to count per day. */
export interface DailyEventCountsQuery extends DashboardPeriod {
  /** Event names (`reporting_events.event`). */
  events: readonly string[];
  /** Also group by `status` (e.g. OneTouch approved / denied); otherwise status is null in the result. */
  byStatus?: boolean;
}

/** The number of events of one name (and status) on one UTC day. */
export interface DailyEventCountRow {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  event: string;
  status: string | null;
  count: number;
}

// The (event, occurred_at) INCLUDE (status) index (migration 0004) serves both the event/period
// filter and the status column, so the count needs no heap access once the rows are all-visible.
const DAILY_COUNTS = `
  select to_char(date_trunc('day', occurred_at, 'UTC') at time zone 'UTC', 'YYYY-MM-DD') as day,
         event,
         case when $4 then status end as status,
         count(*)::int as count
    from reporting_events
   where event = any($1::text[]) and occurred_at >= $2 and occurred_at < $3
   group by 1, 2, 3
   order by 1, 2, 3`;

/**
 * Counts stored reporting events per UTC day (and per event name, optionally per status) over a
 * period, aggregated in SQL. Days without events are absent; an empty period returns no rows.
 */
export async function readDailyEventCounts(
  pool: DbPool,
  query: DailyEventCountsQuery,
): Promise<DailyEventCountRow[]> {
  const { rows } = await pool.query<DailyEventCountRow>(DAILY_COUNTS, [
    query.events,
    query.from,
    query.to,
    query.byStatus === true,
  ]);
  return rows;
}

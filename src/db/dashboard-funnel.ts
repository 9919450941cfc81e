import type { DbPool } from './pool';

/** A time range of the dashboard: `from` inclusive, `to` exclusive. */
export interface DashboardPeriod {
  from: Date;
  to: Date;
}

/** How far the onboarding runs started in a period got, and how they ended. */
export interface OnboardingFunnelRow {
  /** Runs started in the period (a user who retried counts once per run). */
  started: number;
  /** Distinct users behind those runs. */
  users: number;
  /** Runs Authy registered: the run reached a later stage, or its record holds an authy id. */
  registered: number;
  /** Runs whose person installed the app: the run reached `awaiting_approval`. */
  installed: number;
  /** Runs the person approved: the run reached `enabled` (the workflow enables on the approval). */
  enabled: number;
  /** Runs by the stage they are in now (final stages, or the stage an open run waits in). */
  byLastStage: Record<string, number>;
  /** Median seconds from start to `enabled` over the enabled runs; null when none. */
  medianSecondsToEnabled: number | null;
}

// A run's history rows (seq 0 = started, then one row per stage entered or re-recorded) say which
// steps it reached; its last row says where it is now. The registered step also accepts an authy id
// on the customer record, which covers a run that failed right after Authy registered the user.
const FUNNEL = `
  with runs as (
    select run_id, user_id, entered_at as started_at
      from onboarding_stage_history
     where seq = 0 and entered_at >= $1 and entered_at < $2
  ), per_run as (
    select r.run_id, r.user_id, r.started_at,
           bool_or(h.stage in ('awaiting_device', 'awaiting_approval', 'enabled', 'denied')) as advanced,
           bool_or(h.stage in ('awaiting_approval', 'enabled', 'denied')) as installed,
           min(h.entered_at) filter (where h.stage = 'enabled') as enabled_at,
           (array_agg(h.stage order by h.seq desc))[1] as last_stage
      from runs r
      join onboarding_stage_history h on h.run_id = r.run_id
     group by r.run_id, r.user_id, r.started_at
  ), flagged as (
    select p.*, p.advanced or o.authy_id is not null as registered
      from per_run p
      left join onboardings o on o.user_id = p.user_id and o.run_id = p.run_id
  )
  select count(*)::int as started,
         count(distinct user_id)::int as users,
         count(*) filter (where registered)::int as registered,
         count(*) filter (where installed)::int as installed,
         count(*) filter (where enabled_at is not null)::int as enabled,
         coalesce(
           (select jsonb_object_agg(last_stage, n)
              from (select last_stage, count(*)::int as n from flagged group by last_stage) s),
           '{}'::jsonb) as by_last_stage,
         percentile_cont(0.5) within group (
           order by extract(epoch from enabled_at - started_at))
           filter (where enabled_at is not null) as median_seconds_to_enabled
    from flagged`;

interface FunnelDbRow {
  started: number;
  users: number;
  registered: number;
  installed: number;
  enabled: number;
  by_last_stage: Record<string, number>;
  median_seconds_to_enabled: number | null;
}

/**
 * The onboarding funnel of the runs started in `period`, aggregated in one statement from the stage
 * history (and the customer record for authy ids). An empty period gives zeros, not an error.
 */
export async function readOnboardingFunnel(
  pool: DbPool,
  period: DashboardPeriod,
): Promise<OnboardingFunnelRow> {
  const { rows } = await pool.query<FunnelDbRow>(FUNNEL, [period.from, period.to]);
  const row = rows[0]!;
  return {
    started: row.started,
    users: row.users,
    registered: row.registered,
    installed: row.installed,
    enabled: row.enabled,
    byLastStage: row.by_last_stage,
    medianSecondsToEnabled:
      row.median_seconds_to_enabled === null ? null : Number(row.median_seconds_to_enabled),
  };
}

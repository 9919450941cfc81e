import { FINAL_STAGES, ONBOARDING_STAGES } from '../shared/onboarding';
import type { OnboardingStage } from '../shared/onboarding';
import type { OnboardingProvider } from './onboardings';
import type { DbClient, DbPool } from './pool';
import { withTransaction } from './pool';

/** A time range of the dashboard: `from` inclusive, `to` exclusive. */
export interface DashboardPeriod {
  from: Date;
  to: Date;
}

/** How far the onboarding runs started in a period got, and how they ended. */
export interface OnboardingFunnelRow {
  /** Runs started in the period (a user who retried counts once per run). */
  started: number;
  /** Of those, the runs of each provider. */
  startedByProvider: Record<OnboardingProvider, number>;
  /**
   * Runs the provider registered: the run reached a later stage, or its record holds the provider's
   * user id (`authy_id`: the Authy id, or the Verify entity identity).
   */
  registered: number;
  /** Runs whose person installed the app: the run reached `awaiting_approval`. */
  installed: number;
  /** Runs the person approved: the run reached `enabled` (the workflow enables on the approval). */
  enabled: number;
  /** Runs by the stage they are in now (final stages, or the stage an open run waits in). */
  byLastStage: Partial<Record<OnboardingStage, number>>;
  /** Median seconds from start to `enabled` over the enabled runs; null when none. */
  medianSecondsToEnabled: number | null;
}

// Each run is reduced to the set of stages it entered, as a bitmask (bit i = ONBOARDING_STAGES[i]),
// so the history is read once and grouped once, and the few distinct masks say everything else:
// stages only move forward and a run has at most one final stage.
const bit = (stage: OnboardingStage) => 1 << ONBOARDING_STAGES.indexOf(stage);
const anyOf = (...stages: OnboardingStage[]) => stages.reduce((mask, stage) => mask | bit(stage), 0);
const ADVANCED = anyOf('awaiting_device', 'awaiting_approval', 'enabled', 'denied');
const INSTALLED = anyOf('awaiting_approval', 'enabled', 'denied');
const STAGE_BIT_SQL = `case h.stage ${ONBOARDING_STAGES.map((s, i) => `when '${s}' then ${i}`).join(' ')} else 30 end`;

// A run started in the period has its seq-0 row there, with its provider (partial index of
// migration 0008: an index-only scan, the provider filtered on the included column; $3 null = every
// provider). Runs that never advanced may still have been registered: a run that failed right after
// the provider answered has its provider user id on the customer record only (looked up for those
// few runs alone). The empty grouping set adds the all-runs row that carries the median time to
// enabled.
const FUNNEL = `
  with started as (
    select run_id, provider from onboarding_stage_history
     where seq = 0 and entered_at >= $1 and entered_at < $2
       and ($3::text is null or provider = $3::text)
  ),
  per_run as (
    select h.run_id,
           min(s.provider) as provider,
           bit_or(1 << (${STAGE_BIT_SQL})) as mask,
           min(h.entered_at) filter (where h.stage = 'enabled')
             - min(h.entered_at) filter (where h.seq = 0) as to_enabled
      from onboarding_stage_history h
      join started s on s.run_id = h.run_id
     where h.entered_at >= $1 -- every stage of a run started in the period comes after its start
     group by h.run_id
  )
  select provider, mask,
         count(*)::int as runs,
         count(*) filter (where mask & ${ADVANCED} = 0 and exists (
           select 1 from onboarding_stage_history s
             join onboardings o on o.user_id = s.user_id and o.run_id = s.run_id
            where s.run_id = p.run_id and s.seq = 0 and o.authy_id is not null))::int as registered_by_record,
         percentile_cont(0.5) within group (order by extract(epoch from to_enabled))
           filter (where to_enabled is not null) as median_seconds_to_enabled
    from per_run p
   group by grouping sets ((provider, mask), ())`;

interface MaskRow {
  /** null on the all-runs row. */
  provider: OnboardingProvider | null;
  /** null on the all-runs row. */
  mask: number | null;
  runs: number;
  registered_by_record: number;
  median_seconds_to_enabled: number | null;
}

/** The stage a run with these stages is in now: its final stage, else the furthest open one. */
function lastStage(mask: number): OnboardingStage | undefined {
  const reached = ONBOARDING_STAGES.filter((stage) => (mask & bit(stage)) !== 0);
  const final = reached.find((stage) => FINAL_STAGES.includes(stage));
  return final ?? reached[reached.length - 1];
}

async function readMasks(
  client: DbClient,
  period: DashboardPeriod,
  provider: OnboardingProvider | undefined,
): Promise<MaskRow[]> {
  // Enough memory for the per-run hash aggregate of a large rollout to stay off disk, and no JIT:
  // its compile time (0.2-0.7 s here) costs more than it saves on a query this short.
  await client.query(`set local work_mem = '64MB'; set local jit = off`);
  const { rows } = await client.query<MaskRow>(FUNNEL, [period.from, period.to, provider ?? null]);
  return rows;
}

/**
 * The onboarding funnel of the runs started in `period` (of one provider, or of all when
 * `provider` is undefined), aggregated in SQL from the stage history (and the customer record for
 * provider user ids). An empty period gives zeros, not an error.
 */
export async function readOnboardingFunnel(
  pool: DbPool,
  period: DashboardPeriod,
  provider?: OnboardingProvider,
): Promise<OnboardingFunnelRow> {
  const rows = await withTransaction(pool, (client) => readMasks(client, period, provider));
  const funnel: OnboardingFunnelRow = {
    started: 0,
    startedByProvider: { authy: 0, verify: 0 },
    registered: 0,
    installed: 0,
    enabled: 0,
    byLastStage: {},
    medianSecondsToEnabled: null,
  };
  for (const row of rows) {
    if (row.mask === null) {
      funnel.medianSecondsToEnabled =
        row.median_seconds_to_enabled === null ? null : Number(row.median_seconds_to_enabled);
      continue;
    }
    funnel.started += row.runs;
    if (row.provider !== null) funnel.startedByProvider[row.provider] += row.runs;
    funnel.registered += (row.mask & ADVANCED) !== 0 ? row.runs : row.registered_by_record;
    if ((row.mask & INSTALLED) !== 0) funnel.installed += row.runs;
    if ((row.mask & bit('enabled')) !== 0) funnel.enabled += row.runs;
    const stage = lastStage(row.mask);
    if (stage) funnel.byLastStage[stage] = (funnel.byLastStage[stage] ?? 0) + row.runs;
  }
  return funnel;
}

import type { DashboardPeriod, OnboardingFunnelRow } from '../db/dashboard-funnel';
import type { OnboardingProvider } from '../db/onboardings';
import type { ProviderFilter } from './params';
import { FINAL_STAGES, ONBOARDING_STAGES } from '../shared/onboarding';
import type { OnboardingStage } from '../shared/onboarding';

/** One step of the funnel, with its share of the runs started. */
export interface FunnelStep {
  key: 'started' | 'registered' | 'installed' | 'enabled';
  label: string;
  count: number;
  /** count / started, 0..1 (0 when nothing started). */
  ofStarted: number;
}

/** Body of `GET /dashboard/api/funnel` (docs/dashboard.md). */
export interface FunnelResponse {
  period: { from: string; to: string };
  /** The providers counted: `authy`, `verify`, or `all` of them. */
  provider: ProviderFilter;
  /** Onboarding runs started in the period (a user who retried counts once per run). */
  runs: number;
  /** Of those, the runs of each provider (0 for a provider the filter leaves out). */
  runsByProvider: Record<OnboardingProvider, number>;
  steps: FunnelStep[];
  /** Runs by how they ended; `inProgress` splits the open ones by the stage they wait in. */
  outcomes: Record<Exclude<OnboardingStage, OpenStage>, number> & { inProgress: Record<OpenStage, number> };
  medianSecondsToEnabled: number | null;
}

type OpenStage = 'registering' | 'awaiting_device' | 'awaiting_approval';
const OPEN_STAGES = ONBOARDING_STAGES.filter((stage) => !FINAL_STAGES.includes(stage)) as OpenStage[];

const REGISTERED_LABELS: Record<ProviderFilter, string> = {
  all: 'Registered with the provider',
  authy: 'Registered with Authy',
  verify: 'Registered with Verify',
};

/** Shapes the funnel counts for the API: steps in order, every outcome present (zeros included). */
export function toFunnelResponse(
  period: DashboardPeriod,
  provider: ProviderFilter,
  row: OnboardingFunnelRow,
): FunnelResponse {
  const share = (count: number) => (row.started === 0 ? 0 : count / row.started);
  const step = (key: FunnelStep['key'], label: string, count: number): FunnelStep => ({
    key,
    label,
    count,
    ofStarted: share(count),
  });
  const count = (stage: OnboardingStage) => row.byLastStage[stage] ?? 0;
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    provider,
    runs: row.started,
    runsByProvider: { ...row.startedByProvider },
    steps: [
      step('started', 'Started', row.started),
      step('registered', REGISTERED_LABELS[provider], row.registered),
      step('installed', 'App installed', row.installed),
      step('enabled', 'Approved → 2FA enabled', row.enabled),
    ],
    outcomes: {
      enabled: count('enabled'),
      denied: count('denied'),
      expired: count('expired'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      inProgress: Object.fromEntries(OPEN_STAGES.map((stage) => [stage, count(stage)])) as Record<
        OpenStage,
        number
      >,
    },
    medianSecondsToEnabled: row.medianSecondsToEnabled,
  };
}

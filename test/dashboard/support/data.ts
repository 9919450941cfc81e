import { randomUUID } from 'node:crypto';
import type { DbPool } from '../../../src/db/pool';
import { recordOnboardingProgress } from '../../../src/db/onboardings';
import type { OnboardingProvider } from '../../../src/db/onboardings';
import { insertReportingEvents } from '../../../src/db/reporting-events';
import { FINAL_STAGES, ONBOARDING_STAGES } from '../../../src/shared/onboarding';
import type { OnboardingStage } from '../../../src/shared/onboarding';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The first day {@link privateDays} has not handed out yet in this test file (from 1990 on). */
let nextPrivateDay = Date.UTC(1990, 0, 1);

/**
 * A run of whole UTC days from 1990 on that no other test of this file is given, with a free day on
 * each side for the rows tests write just outside their period (the tests that write recent times
 * never reach them). With a database of the file's own ({@link useDashboardServer}), each test's
 * rows are told apart by the period alone.
 */
export function privateDays(days: number): { from: Date; to: Date; day(n: number): string } {
  const start = nextPrivateDay + DAY_MS;
  nextPrivateDay = start + (days + 1) * DAY_MS;
  return {
    from: new Date(start),
    to: new Date(start + days * DAY_MS),
    day: (n) => new Date(start + n * DAY_MS).toISOString().slice(0, 10),
  };
}

/** One reporting event to store: name, instant, and the status of its subject if any. */
export interface EventSpec {
  event: string;
  at: Date;
  status?: string;
  authyId?: string;
}

/** Stores events the way the sync stores them (the repository's idempotent batch insert). */
export async function storeEvents(pool: DbPool, events: readonly EventSpec[]): Promise<void> {
  await insertReportingEvents(
    pool,
    events.map((e) => ({
      event: e.event,
      occurredAt: e.at.toISOString(),
      requestId: randomUUID(),
      authyId: e.authyId ?? null,
      appId: 'dashboard-test',
      countryCode: '1',
      deviceType: e.event === 'device_registration_completed' ? 'android' : null,
      status: e.status ?? null,
      objectsJson: '{}',
    })),
  );
}

/** One onboarding run: the stages it entered after `registering`, at offsets from its start. */
export interface RunSpec {
  userId: string;
  start: Date;
  /**
   * Space-separated `stage@seconds` after the start, in order; a stage may repeat (a reminder
   * re-records it). `'awaiting_device@10 enabled@65'`: installed 10 s after the start, enabled at 65 s.
   */
  stages: string;
  /** Authy id the run's record carries from its second stage on. */
  authyId?: string;
  /** The run's provider, as the workflow sends it (absent: Authy). */
  provider?: OnboardingProvider;
}

/** The stages of a {@link RunSpec}, each with its offset in seconds; throws on an unknown stage. */
function parseStages(stages: string): [stage: OnboardingStage, afterSeconds: number][] {
  return stages.split(/\s+/).map((entry) => {
    const [stage, seconds] = entry.split('@');
    if (!(ONBOARDING_STAGES as readonly string[]).includes(stage!) || !/^\d+$/.test(seconds ?? ''))
      throw new Error(`not a stage@seconds: ${entry}`);
    return [stage as OnboardingStage, Number(seconds)];
  });
}

/** Records a run stage by stage through the workflow's own repository call (record + history). */
export async function recordRun(pool: DbPool, run: RunSpec): Promise<string> {
  const runId = randomUUID();
  const all = [['registering', 0] as const, ...parseStages(run.stages)];
  for (const [seq, [stage, after]] of all.entries()) {
    await recordOnboardingProgress(pool, {
      userId: run.userId,
      workflowId: `onboarding-${run.userId}`,
      runId,
      seq,
      stage,
      ...(run.authyId && seq > 0 ? { authyId: run.authyId } : {}),
      ...(run.provider ? { provider: run.provider } : {}),
      remindersSent: 0,
      startedAt: run.start,
      stageEnteredAt: new Date(run.start.getTime() + after * 1000),
      final: FINAL_STAGES.includes(stage),
    });
  }
  return runId;
}

/**
 * One run as a row of a table: user id, start, its `stage@seconds` path ({@link RunSpec.stages}),
 * then the Authy id it carries and its provider, if any.
 */
export type RunRow = [
  userId: string,
  start: Date,
  stages: string,
  authyId?: string,
  provider?: OnboardingProvider,
];

/** Records the runs of a table, in order ({@link recordRun}). */
export async function recordRuns(pool: DbPool, rows: readonly RunRow[]): Promise<void> {
  for (const [userId, start, stages, authyId, provider] of rows)
    await recordRun(pool, {
      userId,
      start,
      stages,
      ...(authyId ? { authyId } : {}),
      ...(provider ? { provider } : {}),
    });
}

/** A user id no other test uses. */
export const uniqueUserId = (tag: string) => `dash-${tag}-${randomUUID()}`;

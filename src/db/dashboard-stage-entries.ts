import type { OnboardingProvider } from './onboardings';
import type { DbPool } from './pool';

/** What the customer record says about a user's current run: its stage and when it entered it. */
export interface StageEntryRow {
  userId: string;
  workflowId: string;
  runId: string;
  provider: OnboardingProvider;
  stage: string;
  stageEnteredAt: Date;
}

/**
 * The customer records of these users (by primary key), for the stuck-onboarding panel: the
 * visibility API lists the waiting runs, the record gives the exact time each entered its stage.
 */
export async function readStageEntries(pool: DbPool, userIds: readonly string[]): Promise<StageEntryRow[]> {
  if (userIds.length === 0) return [];
  const { rows } = await pool.query<StageEntryRow>(
    `select user_id as "userId", workflow_id as "workflowId", run_id as "runId", provider, stage,
            stage_entered_at as "stageEnteredAt"
       from onboardings where user_id = any($1::text[])`,
    [userIds],
  );
  return rows;
}

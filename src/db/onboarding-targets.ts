import type { DbPool } from './pool';

/** An onboarding a webhook event may concern, read from the customer record (`onboardings`). */
export interface OnboardingTargetRow {
  userId: string;
  workflowId: string;
  stage: string;
  approvalUuid: string | null;
}

/**
 * Onboardings an Authy event concerns: those with the event's authy id or, for approval events, the
 * approval request's uuid. Every stage is returned; the caller decides which ones are still running.
 */
export async function findOnboardingTargets(
  pool: DbPool,
  keys: { authyId?: string; approvalUuid?: string },
): Promise<OnboardingTargetRow[]> {
  if (keys.authyId === undefined && keys.approvalUuid === undefined) return [];
  const { rows } = await pool.query<{
    user_id: string;
    workflow_id: string;
    stage: string;
    approval_uuid: string | null;
  }>(
    `SELECT user_id, workflow_id, stage, approval_uuid FROM onboardings
      WHERE ($1::text IS NOT NULL AND authy_id = $1) OR ($2::text IS NOT NULL AND approval_uuid = $2)
      ORDER BY started_at DESC`,
    [keys.authyId ?? null, keys.approvalUuid ?? null],
  );
  return rows.map((row) => ({
    userId: row.user_id,
    workflowId: row.workflow_id,
    stage: row.stage,
    approvalUuid: row.approval_uuid,
  }));
}

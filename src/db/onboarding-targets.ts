import type { DbPool } from './pool';

/** An onboarding a webhook event may concern, read from the customer record (`onboardings`). */
export interface OnboardingTargetRow {
  userId: string;
  workflowId: string;
  /** The run the customer record describes (the latest run of this user). */
  runId: string;
  stage: string;
  authyId: string | null;
}

interface TargetRow {
  user_id: string;
  workflow_id: string;
  run_id: string;
  stage: string;
  authy_id: string | null;
}

const toTarget = (row: TargetRow): OnboardingTargetRow => ({
  userId: row.user_id,
  workflowId: row.workflow_id,
  runId: row.run_id,
  stage: row.stage,
  authyId: row.authy_id,
});

/**
 * Onboardings with this authy id, newest first, in every stage (the caller decides which are still
 * running). For device registrations and phone changes, which concern whoever holds the Authy user.
 */
export async function findOnboardingTargets(pool: DbPool, authyId: string): Promise<OnboardingTargetRow[]> {
  const { rows } = await pool.query<TargetRow>(
    `SELECT user_id, workflow_id, run_id, stage, authy_id FROM onboardings
      WHERE authy_id = $1
      ORDER BY started_at DESC`,
    [authyId],
  );
  return rows.map(toTarget);
}

/**
 * The onboarding run that issued the approval request `approvalUuid`, if its customer record still
 * describes that run: the push is in `approval_requests` under the record's run id, or (runs that
 * predate that table) it is the record's current `approval_uuid`. Never matched by authy id alone:
 * an answer to a push some other run (or some other app's login) sent must reach no onboarding.
 * Given the answer's `authyId`, only a record with that authy id qualifies, and the lookup goes
 * through the authy id index (the `approval_requests` check then uses its primary key).
 */
export async function findApprovalTargets(
  pool: DbPool,
  approvalUuid: string,
  authyId?: string,
): Promise<OnboardingTargetRow[]> {
  const issued = `(o.approval_uuid = $1
      OR EXISTS (SELECT 1 FROM approval_requests a WHERE a.run_id = o.run_id AND a.approval_uuid = $1))`;
  const { rows } =
    authyId === undefined
      ? await pool.query<TargetRow>(
          `SELECT o.user_id, o.workflow_id, o.run_id, o.stage, o.authy_id FROM onboardings o WHERE ${issued}`,
          [approvalUuid],
        )
      : await pool.query<TargetRow>(
          `SELECT o.user_id, o.workflow_id, o.run_id, o.stage, o.authy_id FROM onboardings o
            WHERE o.authy_id = $2 AND ${issued}`,
          [approvalUuid, authyId],
        );
  return rows.map(toTarget);
}

import type { DbPool } from './pool';

/** An onboarding a webhook event may concern, read from the customer record (`onboardings`). */
export interface OnboardingTargetRow {
  userId: string;
  workflowId: string;
  stage: string;
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
  const { rows } = await pool.query<{ user_id: string; workflow_id: string; stage: string }>(
    `SELECT user_id, workflow_id, stage FROM onboardings
      WHERE ($1::text IS NOT NULL AND authy_id = $1) OR ($2::text IS NOT NULL AND approval_uuid = $2)
      ORDER BY started_at DESC`,
    [keys.authyId ?? null, keys.approvalUuid ?? null],
  );
  return rows.map((row) => ({ userId: row.user_id, workflowId: row.workflow_id, stage: row.stage }));
}

/** A phone change reported by Authy; `maskedPhone` is already masked (never a raw number). */
export interface PhoneChangeRecord {
  eventId: string;
  authyId: string;
  userId?: string;
  maskedPhone?: string;
  changedAt: Date;
}

/**
 * Records a phone change on the customer record, once per event. A later attempt that knows the
 * user (the onboarding's authy id arrived meanwhile) fills in the user id; nothing else changes.
 */
export async function recordPhoneChange(pool: DbPool, change: PhoneChangeRecord): Promise<void> {
  await pool.query(
    `INSERT INTO onboarding_phone_changes (event_id, user_id, authy_id, masked_phone, changed_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (event_id) DO UPDATE
       SET user_id = COALESCE(onboarding_phone_changes.user_id, EXCLUDED.user_id)`,
    [change.eventId, change.userId ?? null, change.authyId, change.maskedPhone ?? null, change.changedAt],
  );
}

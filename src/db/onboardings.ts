import type { DbPool } from './pool';
import { withTransaction } from './pool';

/** The second-factor provider an onboarding runs on (the `provider` column; absent means Authy). */
export type OnboardingProvider = 'authy' | 'verify';

/** One stage change of an onboarding run, as the workflow reports it. */
export interface OnboardingProgressRow {
  userId: string;
  workflowId: string;
  runId: string;
  /** Monotonic per run; a write with a lower seq than stored is ignored (retries, reordering). */
  seq: number;
  stage: string;
  /** The run's provider; absent: `authy` (every run before Verify existed). */
  provider?: OnboardingProvider;
  authyId?: string;
  approvalUuid?: string;
  reason?: string;
  remindersSent: number;
  startedAt: Date;
  stageEnteredAt: Date;
  final: boolean;
}

/**
 * Writes a stage change to the customer record and its history, idempotently: a retried or late write
 * (lower or equal seq for the same run) changes nothing, and a newer run of the same user takes the
 * row over.
 */
export async function recordOnboardingProgress(pool: DbPool, row: OnboardingProgressRow): Promise<void> {
  const provider: OnboardingProvider = row.provider ?? 'authy';
  await withTransaction(pool, async (client) => {
    await client.query(
      `insert into onboardings (user_id, workflow_id, run_id, authy_id, stage, reason, approval_uuid,
         reminders_sent, stage_seq, started_at, stage_entered_at, completed_at, updated_at, provider)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, case when $12::boolean then $11::timestamptz end, now(), $13)
       on conflict (user_id) do update set
         workflow_id = excluded.workflow_id, run_id = excluded.run_id, provider = excluded.provider,
         authy_id = coalesce(excluded.authy_id, onboardings.authy_id),
         stage = excluded.stage, reason = excluded.reason, approval_uuid = excluded.approval_uuid,
         reminders_sent = excluded.reminders_sent, stage_seq = excluded.stage_seq,
         started_at = excluded.started_at, stage_entered_at = excluded.stage_entered_at,
         completed_at = excluded.completed_at, updated_at = now()
       where (onboardings.run_id = excluded.run_id and onboardings.stage_seq < excluded.stage_seq)
          or (onboardings.run_id <> excluded.run_id and onboardings.started_at <= excluded.started_at)`,
      [
        row.userId,
        row.workflowId,
        row.runId,
        row.authyId ?? null,
        row.stage,
        row.reason ?? null,
        row.approvalUuid ?? null,
        row.remindersSent,
        row.seq,
        row.startedAt,
        row.stageEnteredAt,
        row.final,
        provider,
      ],
    );
    await client.query(
      `insert into onboarding_stage_history (run_id, seq, user_id, stage, reason, entered_at, provider)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
      [row.runId, row.seq, row.userId, row.stage, row.reason ?? null, row.stageEnteredAt, provider],
    );
  });
}

/** A phone change reported by Authy. Only a masked number is ever stored. */
export interface PhoneChangeRow {
  eventId: string;
  userId?: string;
  authyId: string;
  maskedPhone?: string;
  changedAt: Date;
}

/** Records a phone change once per reporting event (the gateway and the workflow may both write it). */
export async function recordPhoneChange(pool: DbPool, row: PhoneChangeRow): Promise<void> {
  await pool.query(
    `insert into onboarding_phone_changes (event_id, user_id, authy_id, masked_phone, changed_at)
     values ($1, $2, $3, $4, $5)
     on conflict (event_id) do update set user_id = coalesce(onboarding_phone_changes.user_id, excluded.user_id)`,
    [row.eventId, row.userId ?? null, row.authyId, row.maskedPhone ?? null, row.changedAt],
  );
}

/** The customer record of one user, as applications read it. */
export interface OnboardingRecord {
  userId: string;
  workflowId: string;
  runId: string;
  authyId: string | null;
  provider: OnboardingProvider;
  stage: string;
  reason: string | null;
  remindersSent: number;
  startedAt: Date;
  stageEnteredAt: Date;
  completedAt: Date | null;
}

/** Reads a user's customer record, or undefined. */
export async function findOnboarding(pool: DbPool, userId: string): Promise<OnboardingRecord | undefined> {
  const { rows } = await pool.query<OnboardingRecord>(
    `select user_id as "userId", workflow_id as "workflowId", run_id as "runId", authy_id as "authyId",
            provider, stage, reason, reminders_sent as "remindersSent", started_at as "startedAt",
            stage_entered_at as "stageEnteredAt", completed_at as "completedAt"
       from onboardings where user_id = $1`,
    [userId],
  );
  return rows[0];
}

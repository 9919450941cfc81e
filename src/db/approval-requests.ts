import type { DbPool } from './pool';

/** Which push of which onboarding run: the key a retried `requestApproval` finds its push by. */
export interface ApprovalRequestKey {
  runId: string;
  attempt: number;
}

/** The uuid of the push already sent for this run and attempt, if any. */
export async function findApprovalRequest(
  pool: DbPool,
  key: ApprovalRequestKey,
): Promise<string | undefined> {
  const { rows } = await pool.query<{ approval_uuid: string }>(
    'select approval_uuid from approval_requests where run_id = $1 and attempt = $2',
    [key.runId, key.attempt],
  );
  return rows[0]?.approval_uuid;
}

/**
 * Records the push sent for this run and attempt and returns the uuid that holds for it: the one
 * given, or the one a concurrent attempt of the same activity recorded first.
 */
export async function recordApprovalRequest(
  pool: DbPool,
  key: ApprovalRequestKey,
  request: { approvalUuid: string; authyId: string },
): Promise<string> {
  const { rows } = await pool.query<{ approval_uuid: string }>(
    `insert into approval_requests (run_id, attempt, approval_uuid, authy_id) values ($1, $2, $3, $4)
     on conflict (run_id, attempt) do update set run_id = approval_requests.run_id
     returning approval_uuid`,
    [key.runId, key.attempt, request.approvalUuid, request.authyId],
  );
  return rows[0]!.approval_uuid;
}

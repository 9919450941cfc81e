// The dispatcher's side of `webhook_inbox` (docs/gateway.md#delivery-to-workflows-the-dispatcher):
// claiming due rows under a lease, settling or rescheduling each attempt, the backlog gauge's reading,
// and pruning settled rows past their retention.
import type { DbPool } from './pool';
import type { InboxSource } from './webhook-inbox';

/** A pending row claimed by a dispatcher for one delivery attempt. */
export interface InboxEventRow {
  deliveryId: string;
  source: InboxSource;
  event: string;
  authyId: string | null;
  payload: Record<string, unknown>;
  occurredAt: Date | null;
  receivedAt: Date;
  /** Attempts including the current one. */
  attempts: number;
}

interface InboxEventDbRow {
  delivery_id: string;
  source: InboxSource;
  event: string;
  authy_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date | null;
  received_at: Date;
  attempts: number;
}

/**
 * Claims up to `limit` due pending rows for one attempt each. The claim is a lease: the row's next
 * attempt moves `leaseMs` into the future, so other dispatchers (other gateway instances) skip it
 * (`SKIP LOCKED` while claiming, the due time afterwards) and a crashed dispatcher's rows come back
 * once the lease runs out.
 */
export async function claimDueInboxEvents(
  pool: DbPool,
  options: { limit: number; leaseMs: number },
): Promise<InboxEventRow[]> {
  const { rows } = await pool.query<InboxEventDbRow>(
    `UPDATE webhook_inbox
        SET next_attempt_at = now() + make_interval(secs => $2), attempts = attempts + 1
      WHERE delivery_id IN (
        SELECT delivery_id FROM webhook_inbox
         WHERE state = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
      RETURNING delivery_id, source, event, authy_id, payload, occurred_at, received_at, attempts`,
    [options.limit, options.leaseMs / 1000],
  );
  return rows.map((row) => ({
    deliveryId: row.delivery_id,
    source: row.source,
    event: row.event,
    authyId: row.authy_id,
    payload: row.payload,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    attempts: row.attempts,
  }));
}

/**
 * Settles a pending row for good and returns the seconds from receipt to now (the delivery lag), or
 * undefined when the row was no longer pending (another dispatcher settled it first).
 */
export async function settleInboxEvent(
  pool: DbPool,
  deliveryId: string,
  outcome: { state: 'delivered' | 'no_target'; targets: string[]; note?: string },
): Promise<number | undefined> {
  const { rows } = await pool.query<{ lag: number }>(
    `UPDATE webhook_inbox
        SET state = $2, targets = $3, last_error = $4, settled_at = now()
      WHERE delivery_id = $1 AND state = 'pending'
      RETURNING extract(epoch FROM settled_at - received_at)::float8 AS lag`,
    [deliveryId, outcome.state, outcome.targets, outcome.note ?? null],
  );
  return rows[0]?.lag;
}

/** Puts a pending row back for another attempt in `delayMs`, noting why this one did not settle. */
export async function rescheduleInboxEvent(
  pool: DbPool,
  deliveryId: string,
  delayMs: number,
  reason: string,
): Promise<void> {
  await pool.query(
    `UPDATE webhook_inbox SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3
      WHERE delivery_id = $1 AND state = 'pending'`,
    [deliveryId, delayMs / 1000, reason.slice(0, 500)],
  );
}

/** Pending rows and the age of the oldest one, for the backlog gauge. */
export async function readInboxBacklog(pool: DbPool): Promise<{ pending: number; oldestAgeSeconds: number }> {
  const { rows } = await pool.query<{ pending: number; oldest_age: number | null }>(
    `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(received_at))::float8 AS oldest_age
       FROM webhook_inbox WHERE state = 'pending'`,
  );
  return { pending: rows[0]?.pending ?? 0, oldestAgeSeconds: rows[0]?.oldest_age ?? 0 };
}

/**
 * Deletes settled inbox rows (delivered, no_target, not_actionable) received more than `olderThanMs`
 * ago, `batchSize` rows per statement so no single transaction grows large; returns how many went.
 * Pending rows are never pruned, whatever their age: an undelivered event is never lost. A delivery
 * repeated after its row is gone would be recorded again, so the retention must outlast the sender's
 * retries (Authy retries for hours; the default is 30 days).
 */
export async function pruneSettledInboxEvents(
  pool: DbPool,
  olderThanMs: number,
  batchSize = 5_000,
): Promise<number> {
  let pruned = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM webhook_inbox WHERE delivery_id IN (
         SELECT delivery_id FROM webhook_inbox
          WHERE received_at < now() - make_interval(secs => $1) AND state <> 'pending'
          LIMIT $2)`,
      [olderThanMs / 1000, batchSize],
    );
    pruned += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return pruned;
  }
}

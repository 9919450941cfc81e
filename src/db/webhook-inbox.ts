import type { DbPool } from './pool';

/** Where a delivery came from: the Authy Webhooks API (JWT) or a OneTouch callback (HMAC). */
export type InboxSource = 'webhook' | 'onetouch';

/**
 * Life of an inbox row: `pending` until the dispatcher settles it as `delivered` (signalled) or
 * `no_target` (no running onboarding to tell); `not_actionable` rows are recorded only.
 */
export type InboxState = 'pending' | 'delivered' | 'no_target' | 'not_actionable';

/** A verified delivery to record. `payload` carries normalised ids and statuses, never personal data. */
export interface NewInboxEvent {
  deliveryId: string;
  source: InboxSource;
  event: string;
  authyId?: string;
  payload: Record<string, unknown>;
  occurredAt?: Date;
  state: 'pending' | 'not_actionable';
}

/** A OneTouch callback's (nonce, signature), recorded with its event so an exact replay is known. */
export interface ReplayKey {
  nonce: string;
  signature: string;
}

/** What recording found: `recorded` false means the delivery (or this exact request) was seen before. */
export interface RecordOutcome {
  recorded: boolean;
  /** False when the (nonce, signature) pair was already on file; undefined without a replay key. */
  freshReplayKey?: boolean;
}

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

const INSERT_EVENT = `
  INSERT INTO webhook_inbox (delivery_id, source, event, authy_id, payload, occurred_at, state, settled_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 = 'not_actionable' THEN now() END)
  ON CONFLICT (delivery_id) DO NOTHING
  RETURNING 1`;

/**
 * Durably records a verified delivery, deduplicated by its delivery id (one autocommitted statement,
 * so the caller may answer 2xx once it resolves). With a replay key, the OneTouch (nonce, signature)
 * is recorded in the same statement: both are on file or neither is.
 */
export async function recordInboxEvent(
  pool: DbPool,
  event: NewInboxEvent,
  replay?: ReplayKey,
): Promise<RecordOutcome> {
  const values = [
    event.deliveryId,
    event.source,
    event.event,
    event.authyId ?? null,
    JSON.stringify(event.payload),
    event.occurredAt ?? null,
    event.state,
  ];
  if (!replay) {
    // Named: PostgreSQL parses and plans the hot insert once per connection, not per delivery.
    const { rowCount } = await pool.query({ name: 'webhook-inbox-insert', text: INSERT_EVENT, values });
    return { recorded: rowCount === 1 };
  }
  const { rows } = await pool.query<{ fresh_key: number; recorded: number }>({
    name: 'webhook-inbox-insert-with-replay-key',
    text: `WITH replay AS (
       INSERT INTO onetouch_callback_replays (nonce, signature) VALUES ($8, $9)
       ON CONFLICT DO NOTHING RETURNING 1
     ), inbox AS (${INSERT_EVENT})
     SELECT (SELECT count(*) FROM replay)::int AS fresh_key, (SELECT count(*) FROM inbox)::int AS recorded`,
    values: [...values, replay.nonce, replay.signature],
  });
  const row = rows[0]!;
  return { recorded: row.recorded === 1, freshReplayKey: row.fresh_key === 1 };
}

const INSERT_EVENTS = `
  INSERT INTO webhook_inbox (delivery_id, source, event, authy_id, payload, occurred_at, state, settled_at)
  SELECT d, s, e, a, p, o, st, CASE WHEN st = 'not_actionable' THEN now() END
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[], $7::text[])
      AS t (d, s, e, a, p, o, st)
  ON CONFLICT (delivery_id) DO NOTHING
  RETURNING delivery_id`;

/**
 * Records several verified deliveries in one autocommitted statement (one commit, one WAL flush for
 * all of them) and returns the delivery ids that were new. Ids must be distinct within the call.
 */
export async function recordInboxEvents(pool: DbPool, events: NewInboxEvent[]): Promise<Set<string>> {
  const { rows } = await pool.query<{ delivery_id: string }>({
    name: 'webhook-inbox-insert-many',
    text: INSERT_EVENTS,
    values: [
      events.map((e) => e.deliveryId),
      events.map((e) => e.source),
      events.map((e) => e.event),
      events.map((e) => e.authyId ?? null),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.occurredAt ?? null),
      events.map((e) => e.state),
    ],
  });
  return new Set(rows.map((row) => row.delivery_id));
}

/** True when this exact OneTouch request (nonce and signature) was accepted before. */
export async function isKnownReplay(pool: DbPool, key: ReplayKey): Promise<boolean> {
  const { rowCount } = await pool.query(
    'SELECT 1 FROM onetouch_callback_replays WHERE nonce = $1 AND signature = $2',
    [key.nonce, key.signature],
  );
  return rowCount === 1;
}

/** Deletes replay records older than `olderThanMs`; returns how many went. */
export async function pruneReplayKeys(pool: DbPool, olderThanMs: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM onetouch_callback_replays WHERE received_at < now() - make_interval(secs => $1)`,
    [olderThanMs / 1000],
  );
  return rowCount ?? 0;
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

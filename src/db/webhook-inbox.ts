// Recording verified deliveries in `webhook_inbox` (docs/gateway.md#durable-intake): one autocommitted
// statement per delivery or batch, deduplicated by delivery id. The dispatcher's side of the table
// (claim, settle, reschedule, backlog, prune) is in ./inbox-dispatch.ts; OneTouch replay keys in
// ./onetouch-replays.ts.
import type { DbPool } from './pool';
import type { ReplayKey } from './onetouch-replays';

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

/** What recording found: `recorded` false means the delivery (or this exact request) was seen before. */
export interface RecordOutcome {
  recorded: boolean;
  /** False when the (nonce, signature) pair was already on file; undefined without a replay key. */
  freshReplayKey?: boolean;
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

import type { DbPool } from '../../../src/db/pool';

/** An inbox row as a test inspects it. */
export interface InboxRowView {
  delivery_id: string;
  source: string;
  event: string;
  authy_id: string | null;
  payload: Record<string, unknown>;
  state: string;
  attempts: number;
  last_error: string | null;
  targets: string[] | null;
}

/** Inbox rows whose authy id is `authyId` (each test uses fresh authy ids). */
export async function inboxRowsFor(pool: DbPool, authyId: string): Promise<InboxRowView[]> {
  const { rows } = await pool.query<InboxRowView>(
    `SELECT delivery_id, source, event, authy_id, payload, state, attempts, last_error, targets
       FROM webhook_inbox WHERE authy_id = $1 ORDER BY received_at`,
    [authyId],
  );
  return rows;
}

/** Every inbox row, for tests that must show nothing at all was recorded. */
export async function inboxCount(pool: DbPool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
  return rows[0]!.n;
}

// `onetouch_callback_replays`: the (nonce, signature) of every accepted OneTouch callback, so an exact
// replay of a request is known (docs/gateway.md#onetouch-callbacks-webhooksauthyonetouch). Keys are
// written with their inbox row, in one statement, by `recordInboxEvent` (./webhook-inbox.ts).
import type { DbPool } from './pool';

/** A OneTouch callback's (nonce, signature), recorded with its event so an exact replay is known. */
export interface ReplayKey {
  nonce: string;
  signature: string;
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

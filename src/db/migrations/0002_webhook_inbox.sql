-- Up Migration
-- The webhook gateway's inbox: every authentic delivery from Authy (Webhooks API JWTs and OneTouch
-- callbacks), recorded before the gateway answers 2xx and then delivered to its workflow by the
-- dispatcher. `delivery_id` is the delivery's identity (JWT `id`, or OneTouch approval uuid + status),
-- so a repeated delivery never adds a row. `payload` holds only the normalised fields the dispatcher
-- needs: ids, statuses, a masked phone at most; never a raw phone number, email or token.
CREATE TABLE webhook_inbox (
  delivery_id       text PRIMARY KEY,
  source            text NOT NULL CHECK (source IN ('webhook', 'onetouch')),
  event             text NOT NULL,
  authy_id          text,
  payload           jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at       timestamptz,
  received_at       timestamptz NOT NULL DEFAULT now(),
  -- pending → delivered | no_target; not_actionable is recorded only (no workflow acts on it).
  state             text NOT NULL CHECK (state IN ('pending', 'delivered', 'no_target', 'not_actionable')),
  attempts          integer NOT NULL DEFAULT 0,
  -- Due time of the next attempt; also the lease: a dispatcher claiming a row moves it into the future.
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  last_error        text,
  targets           text[],
  settled_at        timestamptz
);
CREATE INDEX webhook_inbox_due_idx ON webhook_inbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_inbox_received_idx ON webhook_inbox (received_at);

-- OneTouch callbacks already accepted, by (nonce, signature): an exact replay is recognised and has
-- no second effect. Rows older than the retention period are pruned by the gateway.
CREATE TABLE onetouch_callback_replays (
  nonce        text NOT NULL,
  signature    text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (nonce, signature)
);
CREATE INDEX onetouch_callback_replays_received_idx ON onetouch_callback_replays (received_at);

-- Down Migration
DROP TABLE onetouch_callback_replays;
DROP TABLE webhook_inbox;

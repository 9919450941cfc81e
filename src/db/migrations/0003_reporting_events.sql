-- Up Migration
-- Authy Reporting API events, one row per event (docs/contract.md#4b-tables). BI tools and the dashboard read it.
-- Authy publishes no event id: an event is identified by (event, time, request_id) (docs/authy-api.md#34-event-records).
-- That triple is the primary key, so the same event can never be stored twice, and its order
-- (event, occurred_at, ...) also serves "events of type X per day" queries.
CREATE TABLE reporting_events (
  event         text        NOT NULL,
  occurred_at   timestamptz NOT NULL,
  -- The request that produced the event (`request_id`, or `request.id` in newer payloads).
  request_id    text        NOT NULL,
  -- objects.user.authy_id: joins with onboardings.authy_id.
  authy_id      text,
  -- objects.app.id: the Authy application (one per API key).
  app_id        text,
  -- objects.user.country_code: the calling code (1, 44, ...), for per-country graphs.
  country_code  text,
  -- objects.device.device_type (android, iphone, ...), for install graphs.
  device_type   text,
  -- The status of the event's subject: onetouch_request, phone_verification, phone_change or
  -- delete_request (approved, denied, verified, ...).
  status        text,
  -- The event's full `objects` as Authy sent it; phone numbers in it are SHA-256 digests.
  objects       jsonb       NOT NULL,
  synced_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT reporting_events_pkey PRIMARY KEY (event, occurred_at, request_id)
);
-- Time-range reads across all event types (the sync's own checks, dashboards over a period).
CREATE INDEX reporting_events_occurred_at_idx ON reporting_events (occurred_at);
-- One user's history.
CREATE INDEX reporting_events_authy_id_idx ON reporting_events (authy_id, occurred_at)
  WHERE authy_id IS NOT NULL;

-- How far the live (scheduled) sync has stored everything, per source. Only the scheduled sync moves
-- it, and only forward (GREATEST), so a backfill or a late, overlapping run can never move it back.
CREATE TABLE reporting_sync_watermarks (
  source      text        PRIMARY KEY,
  watermark   timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE reporting_sync_watermarks;
DROP TABLE reporting_events;

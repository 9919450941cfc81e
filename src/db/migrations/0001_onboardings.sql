-- Up Migration
-- The onboarding customer record applications read (docs/contract.md#4b-tables). One row per user: a later
-- onboarding of the same user (after a failure or cancel) takes the row over with its new run id.
-- No phone numbers or emails are stored here; Authy holds them.
CREATE TABLE onboardings (
  user_id           text PRIMARY KEY,
  workflow_id       text NOT NULL,
  run_id            text NOT NULL,
  authy_id          text,
  stage             text NOT NULL,
  reason            text,
  approval_uuid     text,
  reminders_sent    integer NOT NULL DEFAULT 0,
  -- Monotonic per run: writes carrying an older sequence (retried or reordered activities) are ignored.
  stage_seq         integer NOT NULL DEFAULT 0,
  started_at        timestamptz NOT NULL,
  stage_entered_at  timestamptz NOT NULL,
  completed_at      timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX onboardings_authy_id_idx ON onboardings (authy_id) WHERE authy_id IS NOT NULL;
CREATE INDEX onboardings_stage_idx ON onboardings (stage, stage_entered_at);

-- Every stage a run passed through, for funnels and audits.
CREATE TABLE onboarding_stage_history (
  run_id      text NOT NULL,
  seq         integer NOT NULL,
  user_id     text NOT NULL,
  stage       text NOT NULL,
  reason      text,
  entered_at  timestamptz NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX onboarding_stage_history_user_idx ON onboarding_stage_history (user_id, entered_at);

-- Phone changes reported by Authy (user_phone_changed), keyed by the event that reported them.
-- Only a masked form of the number is kept.
CREATE TABLE onboarding_phone_changes (
  event_id      text PRIMARY KEY,
  user_id       text,
  authy_id      text NOT NULL,
  masked_phone  text,
  changed_at    timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX onboarding_phone_changes_authy_idx ON onboarding_phone_changes (authy_id, changed_at);

-- Down Migration
DROP TABLE onboarding_phone_changes;
DROP TABLE onboarding_stage_history;
DROP TABLE onboardings;

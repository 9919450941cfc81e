-- Up Migration
-- The provider of each onboarding run (docs/dashboard.md, docs/verify.md): `authy` or `verify`. Rows
-- written before this column existed are Authy runs, hence the default (a constant default adds the
-- column without rewriting the table). The history carries it too, since the funnel reads the history.
ALTER TABLE onboardings
  ADD COLUMN provider text NOT NULL DEFAULT 'authy'
  CONSTRAINT onboardings_provider_check CHECK (provider IN ('authy', 'verify'));
ALTER TABLE onboarding_stage_history
  ADD COLUMN provider text NOT NULL DEFAULT 'authy'
  CONSTRAINT onboarding_stage_history_provider_check CHECK (provider IN ('authy', 'verify'));

-- The funnel's runs started in a period, now also by provider: the seq-0 rows in the period, read by
-- an index-only scan, with the provider filtered on the included column.
CREATE INDEX onboarding_stage_history_run_start_provider_idx
  ON onboarding_stage_history (entered_at) INCLUDE (run_id, user_id, provider)
  WHERE seq = 0;
DROP INDEX onboarding_stage_history_run_start_idx;

-- Down Migration
CREATE INDEX onboarding_stage_history_run_start_idx
  ON onboarding_stage_history (entered_at) INCLUDE (run_id, user_id)
  WHERE seq = 0;
DROP INDEX onboarding_stage_history_run_start_provider_idx;
ALTER TABLE onboarding_stage_history DROP COLUMN provider;
ALTER TABLE onboardings DROP COLUMN provider;

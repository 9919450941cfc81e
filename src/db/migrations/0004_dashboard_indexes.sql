-- Up Migration
-- Indexes behind the rollout dashboard's panels (docs/dashboard.md).

-- Events of some types per day over a period, split by status (OneTouch approved / denied): the
-- index holds every column those counts read, so they are answered by an index-only scan that never
-- touches the jsonb rows.
CREATE INDEX reporting_events_event_time_status_idx
  ON reporting_events (event, occurred_at) INCLUDE (status);

-- Onboarding runs started in a period: a run's first history row (seq 0, stage registering) records
-- its start, so the funnel finds a period's runs without reading any other history row.
CREATE INDEX onboarding_stage_history_run_start_idx
  ON onboarding_stage_history (entered_at) INCLUDE (run_id, user_id)
  WHERE seq = 0;

-- Down Migration
DROP INDEX onboarding_stage_history_run_start_idx;
DROP INDEX reporting_events_event_time_status_idx;

-- Up Migration
-- Personal data retention in reporting_events.objects (docs/security.md, "What is stored where"):
-- a device's IP address, user agent and name are kept only for REPORTING_PERSONAL_DATA_DAYS, then
-- the reporting sync strips those keys. This partial index holds exactly the rows still carrying
-- them, by time, so each strip finds its rows without scanning the table, and stripped rows leave
-- the index.
CREATE INDEX reporting_events_personal_data_idx
  ON reporting_events (occurred_at)
  WHERE jsonb_typeof(objects -> 'device') = 'object'
    AND (objects -> 'device') ?| ARRAY['ip', 'user_agent', 'name'];

-- Down Migration
DROP INDEX reporting_events_personal_data_idx;

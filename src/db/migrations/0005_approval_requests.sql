-- Up Migration
-- Push approval requests the onboarding sent, keyed by workflow run and attempt. A OneTouch create is
-- the one provider call that cannot be deduplicated: the activity records each request here and a
-- retry (after a worker crash or timeout) returns the recorded one instead of sending another push
-- (docs/onboarding.md#durability). No personal data: ids only.
CREATE TABLE approval_requests (
  run_id         text NOT NULL,
  attempt        integer NOT NULL,
  approval_uuid  text NOT NULL,
  authy_id       text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, attempt)
);
CREATE INDEX approval_requests_created_idx ON approval_requests (created_at);

-- Down Migration
DROP TABLE approval_requests;

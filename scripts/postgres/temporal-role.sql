-- The role the postgres backend's Temporal server connects as in the local cluster
-- (docs/temporal-backends.md), as docker-compose's first start creates it (scripts/postgres/compose-init.sh):
-- a login with CREATEDB, so temporal-sql-tool creates and owns Temporal's own databases; no superuser.
-- Idempotent: run on every start of the backend.
--
-- psql variables: temporal_role, temporal_password.
--   psql -v temporal_role=temporal -v temporal_password=… -f temporal-role.sql

SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'temporal_role', :'temporal_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'temporal_role') \gexec

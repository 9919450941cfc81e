-- The runtime role of twofold: data access (DML) only, never DDL. Migrations run as the owner
-- role; the worker and gateway connect as this one, so a compromised process cannot drop or alter
-- tables, create functions, or read other databases. Idempotent: safe to run on every start.
--
-- psql variables: owner_role (runs migrations, owns the tables), app_role, app_password, dbname.
--   psql -v owner_role=twofold -v app_role=twofold_app -v app_password=… -v dbname=twofold -f app-role.sql

SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_role', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec

-- Nobody but the owner creates objects in the schema (PostgreSQL 15+ default; explicit for 14).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE :"dbname" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
-- Tables and sequences later migrations create (as the owner) get the same grants.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";

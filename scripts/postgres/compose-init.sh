#!/usr/bin/env bash
# First start of docker-compose's PostgreSQL (run by the image from /docker-entrypoint-initdb.d as
# the superuser). Creates three roles so no process runs as the superuser:
#   temporal     Temporal's persistence (creates its own databases: CREATEDB; the btree_gin extension
#                its visibility schema creates is trusted since PostgreSQL 13, so no superuser is needed)
#   twofold      owns the twofold database and runs its migrations (`twofold db migrate`)
#   twofold_app  the worker and gateway at runtime: DML only (scripts/postgres/app-role.sql)
set -euo pipefail

psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password)

"${psql[@]}" --dbname postgres \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" -v owner_password="$TWOFOLD_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE temporal LOGIN CREATEDB PASSWORD %L', :'temporal_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'temporal') \gexec
SELECT format('CREATE ROLE twofold LOGIN PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'twofold') \gexec
SELECT 'CREATE DATABASE twofold OWNER twofold'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'twofold') \gexec
SQL

"${psql[@]}" --dbname twofold -v owner_role=twofold -v app_role=twofold_app \
  -v app_password="$TWOFOLD_APP_DB_PASSWORD" -v dbname=twofold \
  -f /docker-entrypoint-initdb.d/app-role.sql.in

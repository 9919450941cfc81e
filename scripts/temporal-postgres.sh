#!/usr/bin/env bash
# The postgres backend of the local stack (TEMPORAL_BACKEND=postgres, docs/temporal-backends.md): the
# Temporal server with PostgreSQL persistence and SQL visibility in the local cluster, and the Temporal
# Web UI server pointed at it. Usage: temporal-postgres.sh up|down|status|prepare
#
# stack.sh calls it for its `temporal` service, after PostgreSQL is up and only when nothing answers on
# TEMPORAL_ADDRESS yet. `up`:
#   1. builds (or reuses) the binaries under TWOFOLD_HOME (ensure-temporal-server.sh);
#   2. renders the configuration from deploy/temporal/ (temporal-postgres/render-config.ts) into
#      $TWOFOLD_RUN_DIR/temporal-postgres/; every port the server opens follows TEMPORAL_ADDRESS;
#   3. creates the role `temporal` and, with temporal-sql-tool, the databases `temporal` and
#      `temporal_visibility`, sets their schema up on first use and upgrades it to the server's version;
#   4. starts temporal-server, registers the namespace, starts the Web UI server on TEMPORAL_UI_PORT.
# `down` stops the two processes this script started (pid files); the databases stay.
# `prepare` does steps 1–3 only and prints the server's and the Web UI server's command lines, one per
# line, for a supervisor that runs (and restarts) the processes itself.
source "$(dirname "$0")/lib.sh"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

state="$TWOFOLD_RUN_DIR/temporal-postgres"
server_pidfile="$TWOFOLD_RUN_DIR/temporal-server.pid"
ui_pidfile="$TWOFOLD_RUN_DIR/temporal-ui.pid"
server_log="$TWOFOLD_LOG_DIR/temporal.log"
ui_log="$TWOFOLD_LOG_DIR/temporal-ui.log"
schema_log="$TWOFOLD_LOG_DIR/temporal-schema.log"

# Writes the configuration and sources its values (TP_* variables).
render_config() {
  (cd "$repo" && npx --no-install tsx "$here/temporal-postgres/render-config.ts" "$state") ||
    die "cannot render the postgres backend's configuration (see the message above)"
  # shellcheck disable=SC1091
  source "$state/layout.env"
}

# ---------------------------------------------------------------- PostgreSQL: role, databases, schemas
ensure_role() {
  local pg_bindir; pg_bindir=$("$here/ensure-postgres.sh")
  PGPASSWORD=twofold "$pg_bindir/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$TWOFOLD_PG_PORT" \
    -U twofold -d postgres -v temporal_role="$TP_PG_USER" -v temporal_password="$TP_PG_PASSWORD" \
    -f "$here/postgres/temporal-role.sql" >/dev/null ||
    die "cannot create the role $TP_PG_USER in the local PostgreSQL on 127.0.0.1:$TWOFOLD_PG_PORT"
}

sql_tool() { # sql_tool DATABASE ARGS...
  local database=$1; shift
  echo "+ temporal-sql-tool --db $database $*" >>"$schema_log"
  SQL_PLUGIN=postgres12 SQL_HOST=127.0.0.1 SQL_PORT="$TWOFOLD_PG_PORT" SQL_USER="$TP_PG_USER" \
    SQL_PASSWORD="$TP_PG_PASSWORD" SQL_DATABASE="$database" "$bindir/temporal-sql-tool" "$@" >>"$schema_log" 2>&1
}

has_schema() { # has_schema DATABASE: true once setup-schema has run there
  local pg_bindir; pg_bindir=$("$here/ensure-postgres.sh")
  PGPASSWORD="$TP_PG_PASSWORD" "$pg_bindir/psql" -X -tA -h 127.0.0.1 -p "$TWOFOLD_PG_PORT" -U "$TP_PG_USER" \
    -d "$1" -c "select to_regclass('public.schema_version') is not null" 2>>"$schema_log" | grep -qx t
}

# ensure_schema DATABASE KIND (temporal | visibility): create, set up once, upgrade to this version.
ensure_schema() {
  local database=$1 kind=$2
  sql_tool "$database" create-database || schema_failed "creating the database $database"
  if ! has_schema "$database"; then
    say "Setting up Temporal's $kind schema in the database $database"
    sql_tool "$database" setup-schema -v 0.0 || schema_failed "setting up the schema of $database"
  fi
  sql_tool "$database" update-schema -d "$bindir/schema/postgresql/v12/$kind/versioned" ||
    schema_failed "upgrading the schema of $database"
}

schema_failed() {
  tail -n 20 "$schema_log" >&2
  die "temporal-sql-tool failed $1 (log: $schema_log)"
}

# ---------------------------------------------------------------- processes
start_failed() { # start_failed LOG WHY: show the log, stop what started, exit non-zero
  tail -n 20 "$1" >&2 || true
  down >/dev/null 2>&1 || true
  die "$2 (log: $1)"
}

server_serving() {
  pid_alive "$server_pidfile" || start_failed "$server_log" "the Temporal server exited during start-up"
  "$cli" operator cluster health --address "$TEMPORAL_ADDRESS" 2>/dev/null | grep -q SERVING
}

namespace_exists() {
  "$cli" operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$TP_NAMESPACE" >/dev/null 2>&1
}

# A namespace is usable once the frontend's namespace cache has it (it refreshes every few seconds),
# which `describe`, read from the database, does not show.
namespace_usable() {
  "$cli" workflow count --address "$TEMPORAL_ADDRESS" --namespace "$TP_NAMESPACE" >/dev/null 2>&1
}

ui_serving() {
  pid_alive "$ui_pidfile" || start_failed "$ui_log" "the Web UI server exited during start-up"
  port_open "$TP_HOST" "$TP_UI_PORT"
}

prepare() {
  bindir=$("$here/ensure-temporal-server.sh")
  server_command=("$bindir/temporal-server" --root "$state/server" --config config --env development --allow-no-auth start)
  ui_command=("$bindir/temporal-ui-server" --root "$state/ui" --config config --env development start)
  cli=$("$here/ensure-temporal-cli.sh")
  render_config
  port_open 127.0.0.1 "$TWOFOLD_PG_PORT" || die "the postgres backend needs the local PostgreSQL on 127.0.0.1:$TWOFOLD_PG_PORT, which is down.
  Fix: bash scripts/stack.sh up (starts PostgreSQL first)."
  local p
  for p in $TP_SERVER_PORTS $TP_UI_PORT; do
    port_open "$TP_HOST" "$p" && die "port $p, which the postgres backend's Temporal needs, is taken by another process.
  Fix: free it, or move the whole server with TEMPORAL_ADDRESS (every port follows the frontend's; docs/temporal-backends.md)."
  done

  : >"$schema_log"
  ensure_role
  ensure_schema "$TP_PG_DATABASE" temporal
  ensure_schema "$TP_PG_VISIBILITY_DATABASE" visibility
  "$bindir/temporal-server" validate-dynamic-config "$TP_DYNAMIC_CONFIG_FILE" >>"$schema_log" 2>&1 ||
    schema_failed "to validate $TP_DYNAMIC_CONFIG_FILE"
}

up() {
  prepare
  say "Starting the Temporal server $TEMPORAL_SERVER_VERSION on $TEMPORAL_ADDRESS (PostgreSQL 127.0.0.1:$TWOFOLD_PG_PORT, databases $TP_PG_DATABASE and $TP_PG_VISIBILITY_DATABASE)"
  start_detached "$server_pidfile" "$server_log" "${server_command[@]}"
  wait_for 120 "the Temporal server" server_serving ||
    start_failed "$server_log" "the Temporal server did not become healthy within 120 s"

  if ! namespace_exists; then
    "$cli" operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$TP_NAMESPACE" \
      --retention 24h >/dev/null 2>>"$server_log" ||
      start_failed "$server_log" "cannot register the namespace $TP_NAMESPACE"
    say "registered namespace $TP_NAMESPACE"
  fi
  wait_for 60 "the namespace" namespace_usable ||
    start_failed "$server_log" "the namespace $TP_NAMESPACE did not become usable within 60 s"

  say "Starting the Temporal Web UI server $TEMPORAL_UI_SERVER_VERSION on $TP_HOST:$TP_UI_PORT"
  start_detached "$ui_pidfile" "$ui_log" "${ui_command[@]}"
  wait_for 60 "the Web UI server" ui_serving ||
    start_failed "$ui_log" "the Web UI server did not start within 60 s"
}

down() {
  stop_pidfile "$ui_pidfile" "Temporal Web UI server"
  stop_pidfile "$server_pidfile" "Temporal server"
}

status() {
  if pid_alive "$server_pidfile"; then
    echo "temporal (postgres backend): server pid $(cat "$server_pidfile"), Web UI pid $(cat "$ui_pidfile" 2>/dev/null || echo -), log $server_log"
  else
    echo "temporal (postgres backend): not started by these scripts"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  prepare)
    prepare
    printf '%q ' "${server_command[@]}"; echo
    printf '%q ' "${ui_command[@]}"; echo ;;
  *) die "usage: temporal-postgres.sh up|down|status|prepare" ;;
esac

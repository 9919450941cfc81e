#!/usr/bin/env bash
# Starts and stops the local twofold stack: a Temporal dev server (with Web UI) and a throwaway
# PostgreSQL cluster. Usage: stack.sh up|down|status [temporal] [postgres]
# TEMPORAL_BACKEND=postgres starts the Temporal server on that PostgreSQL cluster instead of the dev
# server, with its Web UI server on the same port (scripts/temporal-postgres.sh, docs/temporal-backends.md).
#
# `up` starts only what is not already running and prints one line per service on stdout,
# `started <name>` or `reused <name>`, so callers (the Jest global setup) can later stop only what
# they started. `down` stops services that these scripts started (pid files) and keeps their data.
source "$(dirname "$0")/lib.sh"
here="$(cd "$(dirname "$0")" && pwd)"

# ---------------------------------------------------------------- Temporal
temporal_up() {
  local host port; host=$(temporal_host); port=$(temporal_port)
  if port_open "$host" "$port"; then
    if [ "$TEMPORAL_BACKEND" = postgres ] && ! pid_alive "$TWOFOLD_RUN_DIR/temporal-server.pid"; then
      say "TEMPORAL_BACKEND=postgres, but a Temporal server this backend did not start answers on $TEMPORAL_ADDRESS: reusing it as it is (make down, or another TEMPORAL_ADDRESS, to run the postgres backend)"
    fi
    ensure_search_attributes
    echo "reused temporal"; return
  fi
  is_local_host "$host" || die "TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS is not reachable and is not local, so it cannot be started here.
  Fix: start that server, or unset TEMPORAL_ADDRESS to use the local dev server."
  if [ "$TEMPORAL_BACKEND" = postgres ]; then
    bash "$here/temporal-postgres.sh" up
    if ! ensure_search_attributes || ! wait_for 60 "the search attributes" search_attributes_usable; then
      bash "$here/temporal-postgres.sh" down # leave no half-started server behind
      die "the search attributes could not be registered, or did not become usable within 60 s (log: $TWOFOLD_LOG_DIR/temporal.log)"
    fi
    echo "started temporal"; return
  fi
  local bin; bin=$("$here/ensure-temporal-cli.sh")
  say "Starting Temporal dev server on $host:$port (Web UI :$TEMPORAL_UI_PORT, state in $TEMPORAL_DB_FILE)"
  start_detached "$TWOFOLD_RUN_DIR/temporal.pid" "$TWOFOLD_LOG_DIR/temporal.log" \
    "$bin" server start-dev \
    --ip "$host" --port "$port" --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename "$TEMPORAL_DB_FILE" --namespace "$TEMPORAL_NAMESPACE" \
    --search-attribute OnboardingStage=Keyword --search-attribute AuthyId=Keyword \
    --search-attribute OnboardingStageEnteredAt=Datetime \
    --dynamic-config-value limit.maxIDLength=255 \
    --dynamic-config-value worker.batcherRPS=500 --dynamic-config-value worker.batcherConcurrency=20 \
    --ui-codec-endpoint "http://127.0.0.1:${CODEC_PORT:-8089}" \
    --log-level warn
  if ! wait_for 90 "Temporal" temporal_healthy "$bin"; then
    tail -n 20 "$TWOFOLD_LOG_DIR/temporal.log" >&2
    die "Temporal did not become healthy within 90 s (log: $TWOFOLD_LOG_DIR/temporal.log)"
  fi
  ensure_search_attributes
  echo "started temporal"
}

# A new registration reaches the servers' namespace caches within seconds; a list query naming every
# attribute is accepted only once it has.
search_attributes_usable() {
  "$("$here/ensure-temporal-cli.sh")" workflow count --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" \
    --query 'OnboardingStage = "x" AND AuthyId = "x" AND OnboardingStageEnteredAt > "2000-01-01T00:00:00Z"' >/dev/null 2>&1
}

temporal_healthy() {
  "$1" operator cluster health --address "$TEMPORAL_ADDRESS" 2>/dev/null | grep -q SERVING &&
    port_open "$(temporal_host)" "$TEMPORAL_UI_PORT"
}

# The onboarding workflow upserts these; they must exist first. Idempotent on any server we can reach.
ensure_search_attributes() {
  local bin; bin=$("$here/ensure-temporal-cli.sh")
  local existing
  existing=$("$bin" operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" 2>/dev/null || true)
  local entry name type
  for entry in OnboardingStage:Keyword AuthyId:Keyword OnboardingStageEnteredAt:Datetime; do
    name=${entry%%:*}; type=${entry#*:}
    if ! grep -qw "$name" <<<"$existing"; then
      "$bin" operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" \
        --name "$name" --type "$type" >/dev/null || return 1
      say "registered search attribute $name ($type)"
    fi
  done
}

# Stops what these scripts started on either backend, whichever TEMPORAL_BACKEND says now.
temporal_down() {
  bash "$here/temporal-postgres.sh" down
  stop_pidfile "$TWOFOLD_RUN_DIR/temporal.pid" "Temporal dev server"
}

# ---------------------------------------------------------------- PostgreSQL
as_pg_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The runtime role twofold_app (DML only, password twofold_app; scripts/postgres/app-role.sql) beside
# the owner twofold, which keeps running the migrations and the local flows. Idempotent.
ensure_app_role() {
  local bindir=$1
  PGPASSWORD=twofold "$bindir/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$TWOFOLD_PG_PORT" \
    -U twofold -d twofold -v owner_role=twofold -v app_role=twofold_app -v app_password=twofold_app \
    -v dbname=twofold -f "$here/postgres/app-role.sql" >/dev/null ||
    die "cannot create the runtime role twofold_app in the local PostgreSQL"
}

postgres_up() {
  # The user's database always wins for twofold's data; the postgres backend still keeps Temporal's
  # own databases in the local cluster.
  if [ -n "${DATABASE_URL:-}" ] && [ "$TEMPORAL_BACKEND" != postgres ]; then
    echo "reused postgres"; return
  fi
  if port_open 127.0.0.1 "$TWOFOLD_PG_PORT"; then
    ensure_app_role "$("$here/ensure-postgres.sh")"
    echo "reused postgres"; return
  fi
  local bindir; bindir=$("$here/ensure-postgres.sh")
  if [ ! -s "$TWOFOLD_PG_DATA/PG_VERSION" ]; then
    say "Creating a throwaway PostgreSQL cluster in $TWOFOLD_PG_DATA"
    mkdir -p "$TWOFOLD_PG_DATA"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$(dirname "$TWOFOLD_PG_DATA")"
    chmod 700 "$TWOFOLD_PG_DATA"
    local pwfile; pwfile=$(mktemp); echo twofold >"$pwfile"; chmod 644 "$pwfile"
    as_pg_owner "$bindir/initdb" -D "$TWOFOLD_PG_DATA" -U twofold --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$TWOFOLD_LOG_DIR/initdb.log" 2>&1 ||
      { rm -f "$pwfile"; die "initdb failed (log: $TWOFOLD_LOG_DIR/initdb.log)"; }
    rm -f "$pwfile"
  fi
  # A pid file left by a killed server blocks start-up only if its process lives; pg_ctl handles stale ones.
  say "Starting PostgreSQL on 127.0.0.1:$TWOFOLD_PG_PORT"
  local log="$TWOFOLD_PG_DATA/server.log"
  as_pg_owner "$bindir/pg_ctl" -D "$TWOFOLD_PG_DATA" -l "$log" -w -t 60 \
    -o "-p $TWOFOLD_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$TWOFOLD_PG_DATA -c max_connections=300" \
    start >/dev/null || { tail -n 20 "$log" >&2; die "PostgreSQL did not start (log: $log)"; }
  as_pg_owner "$bindir/psql" -h "$TWOFOLD_PG_DATA" -p "$TWOFOLD_PG_PORT" -U twofold -d postgres -tAc \
    "select 1 from pg_database where datname='twofold'" | grep -q 1 ||
    as_pg_owner "$bindir/createdb" -h "$TWOFOLD_PG_DATA" -p "$TWOFOLD_PG_PORT" -U twofold twofold
  ensure_app_role "$bindir"
  touch "$TWOFOLD_RUN_DIR/postgres.started"
  echo "started postgres"
}

postgres_down() {
  [ -f "$TWOFOLD_RUN_DIR/postgres.started" ] || return 0
  if [ -s "$TWOFOLD_PG_DATA/postmaster.pid" ]; then
    say "Stopping PostgreSQL"
    local bindir; bindir=$("$here/ensure-postgres.sh")
    as_pg_owner "$bindir/pg_ctl" -D "$TWOFOLD_PG_DATA" -m fast -w stop >/dev/null || true
  fi
  rm -f "$TWOFOLD_RUN_DIR/postgres.started"
}

# ---------------------------------------------------------------- main
case "$TEMPORAL_BACKEND" in
  dev | postgres) ;;
  *) die "TEMPORAL_BACKEND must be dev or postgres (got $TEMPORAL_BACKEND)" ;;
esac
cmd="${1:-}"; shift || true
services=("$@"); ((${#services[@]})) || services=(postgres temporal)
case "$cmd" in
  up)
    for s in "${services[@]}"; do "${s}_up"; done ;;
  down)
    # Temporal first: the postgres backend's server needs PostgreSQL until it has stopped.
    for s in temporal postgres; do
      if [[ " ${services[*]} " == *" $s "* ]]; then "${s}_down"; fi
    done ;;
  status)
    port_open "$(temporal_host)" "$(temporal_port)" && echo "temporal: up ($TEMPORAL_ADDRESS)" || echo "temporal: down"
    if [ -f "$TWOFOLD_RUN_DIR/temporal-server.pid" ]; then bash "$here/temporal-postgres.sh" status; fi
    if [ -n "${DATABASE_URL:-}" ] && [ "$TEMPORAL_BACKEND" != postgres ]; then echo "postgres: external (DATABASE_URL)"
    elif port_open 127.0.0.1 "$TWOFOLD_PG_PORT"; then echo "postgres: up (127.0.0.1:$TWOFOLD_PG_PORT)"
    else echo "postgres: down"; fi ;;
  *) die "usage: stack.sh up|down|status [temporal] [postgres]" ;;
esac

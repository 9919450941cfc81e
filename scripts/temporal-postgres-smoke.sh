#!/usr/bin/env bash
# `make smoke-postgres`: the smoke test of the postgres backend (docs/temporal-backends.md#smoke-test).
# On a stack of its own — free ports, its own PostgreSQL cluster, run and log directories in a temporary
# directory, so it runs beside a running `make up` — it builds the backend (or reuses the build under
# TWOFOLD_HOME), starts it with TEMPORAL_BACKEND=postgres through the same scripts as `make up`, plays
# one onboarding through the emulator, gateway and worker to `enabled`, checks that Temporal's
# PostgreSQL databases and its SQL visibility hold it, stops everything and checks that nothing it
# started still listens. Prints the time of each step; exits non-zero on any failure.
#
# Not part of `make test`: on a fresh TWOFOLD_HOME and Go build cache the build alone takes longer
# than the three minutes a test may add to CI (measured figures in the doc above).
source "$(dirname "$0")/lib.sh"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/twofold-pg-smoke.XXXXXX")
if [ "$(id -u)" = 0 ]; then pg_data="/var/lib/twofold/pg-smoke-$$"; else pg_data="$tmp/postgres"; fi
twofold() { LOG_LEVEL=warn node "$repo/bin/twofold.js" "$@"; }
step() { printf '\033[1m== %s\033[0m\n' "$*"; }
timings=()
timed() { # timed LABEL COMMAND...: runs COMMAND, remembers how long it took
  local label=$1 t0=$SECONDS; shift
  "$@"
  timings+=("$(printf '  %-34s %4d s' "$label" $((SECONDS - t0)))")
}

# A base port whose whole layout is free: the server's ports (render-config.ts derives them from
# TEMPORAL_ADDRESS), then the Web UI, PostgreSQL and twofold's own services just above them.
pick_ports() {
  local attempt base p
  for attempt in $(seq 1 20); do
    base=$((20000 + (RANDOM % 90) * 100))
    export TEMPORAL_ADDRESS="127.0.0.1:$base" TEMPORAL_UI_PORT=$((base + 1000)) TWOFOLD_PG_PORT=$((base + 1001))
    export AUTHY_EMULATOR_PORT=$((base + 1002)) GATEWAY_PORT=$((base + 1003)) ADMIN_PORT=$((base + 1004))
    export CODEC_PORT=$((base + 1005)) WORKER_METRICS_PORT=$((base + 1006))
    (cd "$repo" && npx --no-install tsx "$here/temporal-postgres/render-config.ts" "$tmp/probe") || exit 1
    # shellcheck disable=SC1091
    source "$tmp/probe/layout.env"
    smoke_ports="$TP_SERVER_PORTS $(seq -s ' ' $((base + 1000)) $((base + 1006)))"
    for p in $smoke_ports; do port_open 127.0.0.1 "$p" && continue 2; done
    return 0
  done
  die "found no free block of ports for the smoke stack in 20 tries"
}

# Its run directory is its own, so `down` with no service named stops exactly what the smoke started.
stop_all() {
  bash "$here/services.sh" down >&2
  bash "$here/stack.sh" down >&2
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_all || status=1
  local p left=()
  for p in ${smoke_ports:-}; do port_open 127.0.0.1 "$p" && left+=("$p"); done
  if ((${#left[@]})); then
    echo "smoke: still listening after the stop on port(s) ${left[*]}" >&2
    status=1
  fi
  if ((status != 0)); then
    echo "smoke: FAILED (exit $status); logs kept in $TWOFOLD_LOG_DIR" >&2
  else
    rm -rf "$tmp" "$pg_data"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export TEMPORAL_BACKEND=postgres TWOFOLD_RUN_DIR="$tmp/run" TWOFOLD_LOG_DIR="$tmp/log" TWOFOLD_PG_DATA="$pg_data"
mkdir -p "$TWOFOLD_RUN_DIR" "$TWOFOLD_LOG_DIR"
t_all=$SECONDS

step "build (reused from $TWOFOLD_HOME when present)"
timed "build or reuse the binaries" bash -c "'$here/ensure-temporal-server.sh' >/dev/null && '$here/ensure-temporal-cli.sh' >/dev/null"

step "stack of its own: PostgreSQL and Temporal on PostgreSQL"
pick_ports
export DATABASE_URL="postgres://twofold:twofold@127.0.0.1:$TWOFOLD_PG_PORT/twofold"
export AUTHY_API_URL="http://127.0.0.1:$AUTHY_EMULATOR_PORT" GATEWAY_PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT"
echo "  Temporal $TEMPORAL_ADDRESS, Web UI :$TEMPORAL_UI_PORT, PostgreSQL :$TWOFOLD_PG_PORT ($pg_data)"
start_stack() {
  bash "$here/stack.sh" up >/dev/null
  twofold db migrate >/dev/null
}
timed "start PostgreSQL + Temporal" start_stack

step "emulator, gateway, worker"
timed "start emulator, gateway, worker" bash "$here/services.sh" up emulator gateway worker >/dev/null

step "one onboarding to enabled"
result="$tmp/simulation.json"
timed "one onboarding (approves)" twofold simulate --users 1 --seed 1 --id-prefix smoke --timeout 2m --json --result-file "$result" >/dev/null
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (r.stages.enabled !== 1) { console.error("smoke: expected 1 enabled onboarding, got", JSON.stringify(r.stages)); process.exit(1); }' "$result"
echo "  enabled: 1 of 1"

cli=$("$here/ensure-temporal-cli.sh")
listed=$("$cli" workflow count --address "$TEMPORAL_ADDRESS" \
  --query 'OnboardingStage = "enabled" AND WorkflowId STARTS_WITH "onboarding-smoke-"')
grep -q 'Total: 1' <<<"$listed" || die "SQL visibility does not find the onboarding by OnboardingStage (got: $listed)"
echo "  SQL visibility: OnboardingStage = \"enabled\" finds it"
rows=$(PGPASSWORD=temporal "$("$here/ensure-postgres.sh")/psql" -X -tA -h 127.0.0.1 -p "$TWOFOLD_PG_PORT" -U temporal \
  -d temporal_visibility -c "select count(*) from executions_visibility where workflow_id like 'onboarding-smoke-%'")
[ "$rows" = 1 ] || die "temporal_visibility holds $rows rows of the smoke onboarding, expected 1"
echo "  PostgreSQL: temporal_visibility.executions_visibility holds its run"

step "stop"
timed "stop everything" stop_all

step "smoke: OK in $((SECONDS - t_all)) s"
printf '%s\n' "${timings[@]}"

#!/usr/bin/env bash
# `make demo` (docs/contract.md#8-the-demo): brings the stack up (reusing what runs), registers the gateway's
# webhook through the Webhooks API, ensures the reporting schedule, plays a simulated cohort through
# the emulator, syncs the Reporting API for the demo window, prints a summary, and stops what it
# started — unless KEEP=1, which leaves everything running for the Web UI.
#
# Settings (env): DEMO_USERS (default 24), DEMO_SEED (1), KEEP, and the ports of docs/contract.md#2-ports.
# PROVIDER=verify runs the cohort on Twilio Verify instead (docs/verify.md): the emulator's Verify
# Service and webhook, TOTP and push personas, and no reporting sync (Verify has no Reporting API).
source "$(dirname "$0")/lib.sh"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

export AUTHY_EMULATOR_PORT="${AUTHY_EMULATOR_PORT:-4010}"
export GATEWAY_PORT="${GATEWAY_PORT:-3000}"
# The demo plays the emulator's people, so it always talks to the emulator.
export AUTHY_API_URL="http://127.0.0.1:$AUTHY_EMULATOR_PORT"
export GATEWAY_PUBLIC_URL="${GATEWAY_PUBLIC_URL:-http://127.0.0.1:$GATEWAY_PORT}"
export TEMPORAL_ADDRESS TEMPORAL_UI_PORT TEMPORAL_NAMESPACE
provider="${PROVIDER:-authy}"
case "$provider" in
  authy) ;;
  verify) export TWOFOLD_PROVIDER=verify VERIFY_API_URL="http://127.0.0.1:$AUTHY_EMULATOR_PORT" ;;
  *) die "PROVIDER must be authy or verify (got $provider)" ;;
esac
users="${DEMO_USERS:-24}"
seed="${DEMO_SEED:-1}"
result_file="$TWOFOLD_RUN_DIR/demo-simulation.json"

twofold() { LOG_LEVEL="${DEMO_CLI_LOG_LEVEL:-warn}" node "$repo/bin/twofold.js" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
iso_now() { node -e 'console.log(new Date(Date.now() + Number(process.argv[1])).toISOString())' -- "${1:-0}"; }

stack_started=()
app_started=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((status != 0)); then
    printf '\n\033[1;31m[twofold] the demo failed (exit %s).\033[0m Logs:\n' "$status" >&2
    local logs=(temporal emulator gateway worker)
    [ "$TEMPORAL_BACKEND" = postgres ] && logs+=(temporal-ui temporal-schema)
    for f in "${logs[@]}"; do
      [ -f "$TWOFOLD_LOG_DIR/$f.log" ] && echo "  $TWOFOLD_LOG_DIR/$f.log" >&2
    done
  fi
  if [ "${KEEP:-0}" != 1 ]; then
    local reversed=()
    for ((i = ${#app_started[@]} - 1; i >= 0; i--)); do reversed+=("${app_started[i]}"); done
    ((${#reversed[@]})) && { bash "$here/services.sh" down "${reversed[@]}" || true; }
    ((${#stack_started[@]})) && { bash "$here/stack.sh" down "${stack_started[@]}" || true; }
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$SECONDS
step "1/7 Temporal and PostgreSQL"
# `started X` / `reused X` lines; captured first so a failing start stops the demo (set -e).
record_started() { # record_started ARRAY_NAME <<<lines
  local -n into=$1
  local verb name
  while read -r verb name; do
    [ -n "$verb" ] || continue
    echo "  $verb $name"
    if [ "$verb" = started ]; then into+=("$name"); fi
  done
}
stack_out=$(bash "$here/stack.sh" up) || { record_started stack_started <<<"${stack_out:-}"; exit 1; }
record_started stack_started <<<"$stack_out"
twofold db migrate
# Earlier demos' stuck people lived in an emulator that is gone: cancel them before a worker runs.
LOG_LEVEL=warn npx --no-install tsx "$here/demo-reset.ts" demo

step "2/7 emulator, webhook registration (Webhooks API), gateway, worker"
services_out=$(bash "$here/services.sh" up emulator gateway worker codec) || {
  record_started app_started <<<"${services_out:-}" # stop what did start before the failure
  exit 1
}
record_started app_started <<<"$services_out"
twofold webhooks list | sed 's/^/  /'
if [ "$provider" = verify ]; then
  # services.sh created (or found) the emulator's Verify Service and registered the gateway with it.
  export VERIFY_SERVICE_SID="${VERIFY_SERVICE_SID:-$(cat "$TWOFOLD_RUN_DIR/verify-service-sid")}"
  twofold webhooks list --provider verify | sed 's/^/  /'
  if grep -q '^reused worker' <<<"$services_out"; then
    say "the worker was already running: if it started without TWOFOLD_PROVIDER=verify it has no Verify Service and the cohort waits (make down, then run the demo again)"
  fi
fi

step "3/7 reporting schedule"
twofold schedule ensure

if [ "$provider" = verify ]; then
  step "4/5 a Verify cohort of $users people (TOTP and push personas)"
  twofold simulate --provider verify --users "$users" --id-prefix demo-verify --result-file "$result_file"
  step "5/5 done"
  echo "demo (Verify) finished in $((SECONDS - t0)) s (wall time); no reporting sync: Verify has no Reporting API"
  exit 0
fi

step "4/7 a cohort of $users people (live: stage counts)"
window_from=$(iso_now -2000)
twofold simulate --users "$users" --seed "$seed" --id-prefix demo --cancel-previous --result-file "$result_file"

step "5/7 reporting sync of the demo window (backfill through the worker)"
window_to=$(iso_now)
twofold sync backfill --from "$window_from" --to "$window_to"

step "6/7 summary"
LOG_LEVEL=warn npx --no-install tsx "$here/demo-summary.ts" --result "$result_file" --from "$window_from" --to "$window_to"

step "7/7 done"
echo "demo finished in $((SECONDS - t0)) s (wall time)"
if [ "${KEEP:-0}" = 1 ]; then
  echo "KEEP=1: everything stays up (Web UI above, dashboard http://127.0.0.1:${ADMIN_PORT:-3001}/dashboard)."
  echo "Stop it with: make down"
else
  echo "stopping what the demo started: ${app_started[*]:-nothing} ${stack_started[*]:-}"
fi

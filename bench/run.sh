#!/usr/bin/env bash
# Runs the benchmarks under bench/ (files named *.bench.ts) against the local stack, once per Temporal
# backend, and stops what it started. Each benchmark prints its figure, its baseline measured in the
# same run and their ratio; at the end one table puts the backends side by side (bench/summary.ts).
#
#   BENCH_BACKENDS  Temporal backends to measure, in order (default: TEMPORAL_BACKEND if set, else
#                   "dev postgres"; docs/temporal-backends.md)
#   BENCH_ONLY      only these benchmarks, by name without .bench.ts (e.g. "waiting-onboardings")
#
# The first backend runs every benchmark; later ones run those whose figures depend on the Temporal
# server (onboarding, gateway, waiting-onboardings). A backend other than the one already answering
# on TEMPORAL_ADDRESS runs on ports and a run directory of its own, so a running `make up` is left
# alone (BENCH_SECOND_TEMPORAL_PORT, default 7333, and BENCH_SECOND_UI_PORT, default 8333: clear of the ports a server on 7233 derives).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
# TEMPORAL_BACKEND, when set, picks the one backend to measure (lib.sh defaults it to dev).
requested_backend="${TEMPORAL_BACKEND:-}"
source "$repo/scripts/lib.sh"

read -r -a backends <<<"${BENCH_BACKENDS:-${requested_backend:-dev postgres}}"
read -r -a only <<<"${BENCH_ONLY:-}"
temporal_sensitive=" onboarding gateway waiting-onboardings "
results="$(mktemp -t twofold-bench-XXXXXX.jsonl)"
export BENCH_RESULTS="$results"

# What each round started, to stop exactly that: "<run dir>|<services...>".
round_started=""
postgres_run_dir=""  # the run directory of the round that started PostgreSQL, if one did
stop_round() {
  [ -n "$round_started" ] || return 0
  local run_dir=${round_started%%|*} services=${round_started#*|}
  # shellcheck disable=SC2086
  [ -n "$services" ] && TWOFOLD_RUN_DIR="$run_dir" bash "$repo/scripts/stack.sh" down $services || true
  round_started=""
}
cleanup() {
  stop_round
  [ -n "$postgres_run_dir" ] && TWOFOLD_RUN_DIR="$postgres_run_dir" bash "$repo/scripts/stack.sh" down postgres || true
  rm -f "$results"
}
trap cleanup EXIT INT TERM

# The backend of the server these scripts started on TEMPORAL_ADDRESS (dev when unknown).
backend_answering() {
  if pid_alive "$TWOFOLD_RUN_DIR/temporal-server.pid"; then echo postgres; else echo dev; fi
}

wanted() {
  local name=$1 first=$2
  if ((${#only[@]})); then [[ " ${only[*]} " == *" $name "* ]] || return 1; fi
  ((first)) || [[ "$temporal_sensitive" == *" $name "* ]]
}

shopt -s nullglob
benches=("$here"/*.bench.ts)
if ((${#benches[@]} == 0)); then echo "no benchmarks under bench/ yet"; exit 0; fi

first=1
for backend in "${backends[@]}"; do
  case "$backend" in dev | postgres) ;; *) die "BENCH_BACKENDS: unknown backend '$backend' (dev or postgres)" ;; esac
  address="$TEMPORAL_ADDRESS" ui_port="$TEMPORAL_UI_PORT" run_dir="$TWOFOLD_RUN_DIR"
  if port_open "$(temporal_host)" "$(temporal_port)" && [ "$(backend_answering)" != "$backend" ]; then
    # The other backend (a `make up`, the previous round's reused server) holds the usual port:
    # this one gets ports and pid files of its own.
    address="127.0.0.1:${BENCH_SECOND_TEMPORAL_PORT:-7333}" ui_port="${BENCH_SECOND_UI_PORT:-8333}"
    run_dir="$TWOFOLD_HOME/run-bench-$backend"
  fi
  echo "=================== Temporal backend: $backend ($address)"
  services=() up_output="$(mktemp)" up_status=0
  TEMPORAL_BACKEND=$backend TEMPORAL_ADDRESS=$address TEMPORAL_UI_PORT=$ui_port TWOFOLD_RUN_DIR=$run_dir \
    bash "$repo/scripts/stack.sh" up >"$up_output" || up_status=$?
  # What did start is recorded first, so a half-started round is still stopped on the way out.
  while read -r verb name; do
    if [ "$verb" = started ]; then
      if [ "$name" = postgres ]; then postgres_run_dir=$run_dir; else services+=("$name"); fi
    fi
  done <"$up_output"
  rm -f "$up_output"
  round_started="$run_dir|${services[*]}"
  ((up_status == 0)) || die "the $backend backend did not start (exit $up_status; see above)"
  node "$repo/bin/twofold.js" db migrate >/dev/null

  for bench in "${benches[@]}"; do
    name=$(basename "$bench" .bench.ts)
    wanted "$name" "$first" || continue
    echo "== $name.bench.ts [$backend]"
    TEMPORAL_BACKEND=$backend TEMPORAL_ADDRESS=$address npx tsx "$bench"
  done
  stop_round
  first=0
done

npx tsx "$here/summary.ts" "$results"

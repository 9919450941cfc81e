#!/usr/bin/env bash
# Runs every benchmark under bench/ (files named *.bench.ts) against the local stack, one after the
# other, and stops what it started. Each benchmark prints its figure, its baseline and their ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
started=()
cleanup() { ((${#started[@]})) && bash "$repo/scripts/stack.sh" down "${started[@]}" || true; }
trap cleanup EXIT INT TERM
while read -r verb name; do [ "$verb" = started ] && started+=("$name"); done < <(bash "$repo/scripts/stack.sh" up)
node "$repo/bin/twofold.js" db migrate >/dev/null

shopt -s nullglob
benches=("$here"/*.bench.ts)
if ((${#benches[@]} == 0)); then echo "no benchmarks under bench/ yet"; exit 0; fi
for bench in "${benches[@]}"; do
  echo "== $(basename "$bench")"
  npx tsx "$bench"
done

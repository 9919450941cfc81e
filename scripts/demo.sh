#!/usr/bin/env bash
# `make demo`: brings the stack up, runs the main job, prints a summary, and stops what it started
# (unless KEEP=1).
source "$(dirname "$0")/lib.sh"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

started=()
cleanup() {
  local status=$?
  if [ "${KEEP:-0}" != 1 ] && ((${#started[@]})); then
    bash "$here/stack.sh" down "${started[@]}" || true
  fi
  exit "$status"
}
trap cleanup EXIT INT TERM

t0=$SECONDS
while read -r verb name; do
  [ "$verb" = started ] && started+=("$name")
done < <(bash "$here/stack.sh" up)

node "$repo/bin/twofold.js" db migrate
node "$repo/bin/twofold.js" stack check

echo
bash "$here/print-urls.sh"
echo "demo finished in $((SECONDS - t0)) s"
if [ "${KEEP:-0}" = 1 ]; then echo "KEEP=1: the stack stays up; stop it with make down"; fi

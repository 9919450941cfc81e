#!/usr/bin/env bash
# Starts and stops twofold's own processes for the local stack, in the background: the Authy emulator,
# the webhook gateway, the worker and the codec server (decrypts payloads for the Temporal Web UI and CLI).
# Usage: services.sh up|down|status [emulator] [gateway] [worker] [codec]
#
# Like stack.sh, `up` starts only what is not already running and prints `started <name>` or
# `reused <name>` on stdout; `down` stops only the processes these scripts started (pid files in
# $TWOFOLD_HOME/run). Logs go to $TWOFOLD_HOME/log/<name>.log.
#
# `up gateway` first registers the gateway's webhook with the emulator through the Webhooks API
# (`twofold webhooks register`) and starts the gateway with its signing key, unless
# AUTHY_WEBHOOK_SIGNING_KEY is set. With TWOFOLD_PROVIDER=verify, `up gateway` and `up worker` also
# ensure a Verify Service (`twofold verify service ensure`, unless VERIFY_SERVICE_SID is set) and register
# the gateway's /webhooks/twilio/verify with it (docs/verify.md).
source "$(dirname "$0")/lib.sh"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

AUTHY_EMULATOR_PORT="${AUTHY_EMULATOR_PORT:-4010}"
GATEWAY_PORT="${GATEWAY_PORT:-3000}"
ADMIN_PORT="${ADMIN_PORT:-3001}" # the gateway's admin listener: dashboard, /metrics, /readyz (loopback)
CODEC_PORT="${CODEC_PORT:-8089}"
export AUTHY_EMULATOR_PORT GATEWAY_PORT ADMIN_PORT CODEC_PORT
export AUTHY_API_URL="${AUTHY_API_URL:-http://127.0.0.1:$AUTHY_EMULATOR_PORT}"
export GATEWAY_PUBLIC_URL="${GATEWAY_PUBLIC_URL:-http://127.0.0.1:$GATEWAY_PORT}"
export AUTHY_ONETOUCH_CALLBACK_URL="${AUTHY_ONETOUCH_CALLBACK_URL:-$GATEWAY_PUBLIC_URL/webhooks/authy/onetouch}"
WEBHOOK_URL="$GATEWAY_PUBLIC_URL/webhooks/authy"
KEY_FILE="$TWOFOLD_RUN_DIR/webhook-signing-key"
export VERIFY_API_URL="${VERIFY_API_URL:-http://127.0.0.1:$AUTHY_EMULATOR_PORT}"
VERIFY_WEBHOOK_URL="$GATEWAY_PUBLIC_URL/webhooks/twilio/verify"
VERIFY_SID_FILE="$TWOFOLD_RUN_DIR/verify-service-sid"

twofold() { node "$repo/bin/twofold.js" "$@"; }
http_ok() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
log_of() { echo "$TWOFOLD_LOG_DIR/$1.log"; }

# start_bg NAME COMMAND...: runs COMMAND detached, output in the service's log, pid in its pid file.
start_bg() {
  local name=$1; shift
  start_detached "$TWOFOLD_RUN_DIR/$name.pid" "$(log_of "$name")" "$@"
}

# fail NAME WHY: the last lines of the service's log, stop it, then exit non-zero naming the log.
fail() {
  tail -n 20 "$(log_of "$1")" >&2 || true
  stop_service "$1" >/dev/null 2>&1 || true # leave no half-started process behind
  die "$2 (log: $(log_of "$1"))"
}

# ---------------------------------------------------------------- emulator
emulator_up() {
  case "$AUTHY_API_URL" in
    http://127.0.0.1:* | http://localhost:*) ;;
    *) say "AUTHY_API_URL=$AUTHY_API_URL is not local: no emulator"; return ;;
  esac
  if port_open 127.0.0.1 "$AUTHY_EMULATOR_PORT"; then
    http_ok "http://127.0.0.1:$AUTHY_EMULATOR_PORT/_emulator/health" ||
      die "port $AUTHY_EMULATOR_PORT is taken by something that is not the Authy emulator. Fix: free it or set AUTHY_EMULATOR_PORT."
    echo "reused emulator"; return
  fi
  # A fresh seed per start: authy ids then never repeat those of earlier runs' onboarding records.
  export AUTHY_EMULATOR_SEED="${AUTHY_EMULATOR_SEED:-$(($(date +%s) % 1000000))}"
  say "Starting the Authy emulator on 127.0.0.1:$AUTHY_EMULATOR_PORT (seed $AUTHY_EMULATOR_SEED)"
  start_bg emulator env LOG_LEVEL="${LOG_LEVEL:-info}" node "$repo/bin/twofold.js" emulator
  wait_for 60 "the emulator" port_open 127.0.0.1 "$AUTHY_EMULATOR_PORT" ||
    fail emulator "the emulator did not start within 60 s"
  rm -f "$KEY_FILE" "$VERIFY_SID_FILE" # a new emulator has no webhooks or Verify Service yet
  echo "started emulator"
}

emulator_down() { stop_service emulator; rm -f "$KEY_FILE" "$VERIFY_SID_FILE"; } # its webhooks die with it

# ---------------------------------------------------------------- Verify (TWOFOLD_PROVIDER=verify)
# Exports VERIFY_SERVICE_SID (given, remembered in $VERIFY_SID_FILE, or created by `verify service
# ensure`) and registers the gateway's Verify webhook with that Service unless one has its URL.
verify_setup() {
  [ "${TWOFOLD_PROVIDER:-authy}" = verify ] || return 0
  if [ -z "${VERIFY_SERVICE_SID:-}" ]; then
    if [ -s "$VERIFY_SID_FILE" ]; then
      VERIFY_SERVICE_SID=$(cat "$VERIFY_SID_FILE")
    else
      local ensured
      ensured=$(LOG_LEVEL=warn twofold verify service ensure --json) ||
        die "cannot create or find the Verify Service at $VERIFY_API_URL"
      VERIFY_SERVICE_SID=$(node -e 'console.log(JSON.parse(process.argv[1]).sid)' "$ensured")
      echo "$VERIFY_SERVICE_SID" >"$VERIFY_SID_FILE"
      say "Verify Service $VERIFY_SERVICE_SID"
    fi
    export VERIFY_SERVICE_SID
  fi
  local listed
  listed=$(LOG_LEVEL=warn twofold webhooks list --provider verify --json) ||
    die "cannot list the Verify webhooks of $VERIFY_SERVICE_SID at $VERIFY_API_URL"
  if ! node -e 'const [json, url] = process.argv.slice(1);
    process.exit(JSON.parse(json).webhooks.some((w) => w.webhook_url === url) ? 0 : 1);' "$listed" "$VERIFY_WEBHOOK_URL"; then
    LOG_LEVEL=warn twofold webhooks register --provider verify --url "$VERIFY_WEBHOOK_URL" --name twofold-local --json >/dev/null ||
      die "cannot register the Verify webhook $VERIFY_WEBHOOK_URL"
    say "Registered the Verify webhook → $VERIFY_WEBHOOK_URL"
  fi
}

# ---------------------------------------------------------------- webhook registration
# Prints the signing key of the gateway's webhook: reuses a registered one with the same URL, else
# registers one through the Webhooks API. Remembered in $KEY_FILE for the gateway's restarts.
webhook_signing_key() {
  if [ -n "${AUTHY_WEBHOOK_SIGNING_KEY:-}" ]; then echo "$AUTHY_WEBHOOK_SIGNING_KEY"; return; fi
  local listed key
  listed=$(LOG_LEVEL=warn twofold webhooks list --json --show-secrets) || die "cannot list webhooks at $AUTHY_API_URL"
  key=$(node -e 'const [json, url] = process.argv.slice(1);
    const hit = JSON.parse(json).webhooks.find((w) => w.url === url);
    if (hit) console.log(hit.signing_key);' "$listed" "$WEBHOOK_URL")
  if [ -z "$key" ]; then
    local created
    created=$(LOG_LEVEL=warn twofold webhooks register --url "$WEBHOOK_URL" --name twofold-local --json) ||
      die "cannot register the webhook $WEBHOOK_URL at $AUTHY_API_URL"
    key=$(node -e 'console.log(JSON.parse(process.argv[1]).webhook.signing_key)' "$created")
    say "Registered webhook $(node -e 'console.log(JSON.parse(process.argv[1]).webhook.id)' "$created") → $WEBHOOK_URL"
  fi
  (umask 077 && echo "$key" >"$KEY_FILE")
  echo "$key"
}

# ---------------------------------------------------------------- gateway
gateway_up() {
  verify_setup
  local key; key=$(webhook_signing_key)
  local pidfile="$TWOFOLD_RUN_DIR/gateway.pid"
  if port_open 127.0.0.1 "$GATEWAY_PORT"; then
    if pid_alive "$pidfile" && [ "$(cat "$TWOFOLD_RUN_DIR/gateway.key" 2>/dev/null)" != "$key" ]; then
      say "The webhook signing key changed: restarting the gateway"
      stop_service gateway
    else
      http_ok "http://127.0.0.1:$GATEWAY_PORT/healthz" ||
        die "port $GATEWAY_PORT is taken by something that is not the gateway. Fix: free it or set GATEWAY_PORT."
      echo "reused gateway"; return
    fi
  fi
  say "Starting the webhook gateway on 127.0.0.1:$GATEWAY_PORT (public URL $GATEWAY_PUBLIC_URL; admin and dashboard on 127.0.0.1:$ADMIN_PORT)"
  start_bg gateway env AUTHY_WEBHOOK_SIGNING_KEY="$key" LOG_LEVEL="${LOG_LEVEL:-info}" \
    node "$repo/bin/twofold.js" gateway
  (umask 077 && echo "$key" >"$TWOFOLD_RUN_DIR/gateway.key")
  wait_for 90 "the gateway" http_ok "http://127.0.0.1:$GATEWAY_PORT/healthz" ||
    fail gateway "the gateway did not become healthy within 90 s"
  echo "started gateway"
}

gateway_down() { stop_service gateway; rm -f "$TWOFOLD_RUN_DIR/gateway.key"; }

# ---------------------------------------------------------------- worker
worker_ready() {
  pid_alive "$TWOFOLD_RUN_DIR/worker.pid" || fail worker "the worker exited during start-up"
  grep -q 'worker started' "$(log_of worker)"
}

worker_up() {
  verify_setup
  if pid_alive "$TWOFOLD_RUN_DIR/worker.pid"; then echo "reused worker"; return; fi
  port_open 127.0.0.1 "${WORKER_METRICS_PORT:-9464}" &&
    die "port ${WORKER_METRICS_PORT:-9464} (worker metrics) is taken by another process. Fix: free it or set WORKER_METRICS_PORT."
  say "Starting the worker on task queue ${TEMPORAL_TASK_QUEUE:-twofold} (bundles the workflow code first; SDK metrics on 127.0.0.1:${WORKER_METRICS_PORT:-9464})"
  start_bg worker env LOG_LEVEL="${LOG_LEVEL:-info}" node "$repo/bin/twofold.js" worker \
    --metrics-port "${WORKER_METRICS_PORT:-9464}"
  wait_for 180 "the worker" worker_ready || fail worker "the worker did not start within 180 s"
  echo "started worker"
}

worker_down() { stop_service worker; }

# ---------------------------------------------------------------- codec server
# The Web UI (started with --ui-codec-endpoint by stack.sh) and `temporal … --codec-endpoint` send
# encrypted payloads here to be shown decoded; loopback only unless TWOFOLD_CODEC_TOKEN is set.
codec_up() {
  if port_open 127.0.0.1 "$CODEC_PORT"; then
    http_ok "http://127.0.0.1:$CODEC_PORT/healthz" ||
      die "port $CODEC_PORT is taken by something that is not the codec server. Fix: free it or set CODEC_PORT."
    echo "reused codec"; return
  fi
  say "Starting the codec server on 127.0.0.1:$CODEC_PORT"
  start_bg codec env LOG_LEVEL="${LOG_LEVEL:-info}" node "$repo/bin/twofold.js" codec-server
  wait_for 60 "the codec server" http_ok "http://127.0.0.1:$CODEC_PORT/healthz" ||
    fail codec "the codec server did not start within 60 s"
  echo "started codec"
}

codec_down() { stop_service codec; }

# ---------------------------------------------------------------- stop
# stop_service NAME: stops the service these scripts started (its pid file), never anything else.
stop_service() { stop_pidfile "$TWOFOLD_RUN_DIR/$1.pid" "$1"; }

# ---------------------------------------------------------------- main
cmd="${1:-}"; shift || true
services=("$@")
case "$cmd" in
  up)
    ((${#services[@]})) || services=(emulator gateway worker codec)
    for s in "${services[@]}"; do "${s}_up"; done ;;
  down)
    ((${#services[@]})) || services=(codec worker gateway emulator)
    for s in "${services[@]}"; do "${s}_down"; done ;;
  status)
    for s in emulator gateway worker codec; do
      if pid_alive "$TWOFOLD_RUN_DIR/$s.pid"; then echo "$s: up (pid $(cat "$TWOFOLD_RUN_DIR/$s.pid"), log $(log_of "$s"))"
      else echo "$s: not started by these scripts"; fi
    done ;;
  *) die "usage: services.sh up|down|status [emulator] [gateway] [worker] [codec]" ;;
esac

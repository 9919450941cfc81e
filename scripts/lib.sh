#!/usr/bin/env bash
# Shared settings and helpers for the twofold bootstrap scripts. Sourced, never run.
# Everything these scripts install or keep lives outside the repository, under TWOFOLD_HOME.

set -euo pipefail

TEMPORAL_CLI_VERSION="1.5.1"
# The postgres backend (TEMPORAL_BACKEND=postgres, docs/temporal-backends.md): the Temporal server and
# the Web UI server built from source. docker-compose.yml runs the same versions (images), which
# test/foundation/docker-compose.test.ts checks against these two lines.
TEMPORAL_SERVER_VERSION="1.29.1"
TEMPORAL_UI_SERVER_VERSION="2.42.1"
TWOFOLD_HOME="${TWOFOLD_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/twofold}"
# A second stack beside the default one (the chaos suite) keeps its pid files and logs apart.
TWOFOLD_RUN_DIR="${TWOFOLD_RUN_DIR:-$TWOFOLD_HOME/run}"
TWOFOLD_LOG_DIR="${TWOFOLD_LOG_DIR:-$TWOFOLD_HOME/log}"
TEMPORAL_BIN_DIR="$TWOFOLD_HOME/temporal-$TEMPORAL_CLI_VERSION"
TEMPORAL_BIN="$TEMPORAL_BIN_DIR/temporal"
TEMPORAL_DB_FILE="${TEMPORAL_DB_FILE:-$TWOFOLD_HOME/data/temporal.sqlite}"
# dev: the CLI's dev server (SQLite); postgres: the Temporal server on the local PostgreSQL cluster.
TEMPORAL_BACKEND="${TEMPORAL_BACKEND:-dev}"
TEMPORAL_SERVER_DIR="$TWOFOLD_HOME/temporal-server-$TEMPORAL_SERVER_VERSION"

TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"

TWOFOLD_PG_PORT="${TWOFOLD_PG_PORT:-55432}"
TWOFOLD_DEFAULT_DATABASE_URL="postgres://twofold:twofold@127.0.0.1:$TWOFOLD_PG_PORT/twofold"
# initdb refuses to run as root, and the postgres user cannot enter /root: as root the throwaway
# cluster lives under /var/lib, owned by postgres; otherwise under TWOFOLD_HOME.
if [ "$(id -u)" = 0 ]; then
  TWOFOLD_PG_DATA="${TWOFOLD_PG_DATA:-/var/lib/twofold/postgres}"
else
  TWOFOLD_PG_DATA="${TWOFOLD_PG_DATA:-$TWOFOLD_HOME/data/postgres}"
fi

mkdir -p "$TWOFOLD_RUN_DIR" "$TWOFOLD_LOG_DIR" "$(dirname "$TEMPORAL_DB_FILE")"

say() { printf '\033[1m[twofold]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[twofold] error:\033[0m %s\n' "$*" >&2; exit 1; }

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for TIMEOUT_S DESCRIPTION COMMAND...: polls COMMAND every 0.25 s until it succeeds.
wait_for() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.25
  done
}

# record_pid PIDFILE PID: writes the pid file of a process these scripts started and, beside it
# (PIDFILE.start), that process's start time in clock ticks since boot. Together they name that one
# process: a pid file outliving its process (a SIGKILL, a reboot) may name a pid the system has since
# given to another, which pid_alive then tells apart. No wall clock is involved, so a clock step
# cannot make a live service look stale.
record_pid() {
  echo "$2" >"$1"
  local ticks
  if ticks=$(process_start_ticks "$2"); then echo "$ticks" >"$1.start"; else rm -f "$1.start"; fi
}

# start_detached PIDFILE LOG COMMAND...: runs COMMAND in its own session, immune to the caller's
# hangup, output in LOG, and records its pid (record_pid).
start_detached() {
  local pidfile=$1 log=$2; shift 2
  setsid nohup "$@" >"$log" 2>&1 </dev/null &
  record_pid "$pidfile" $!
}

# process_start_ticks PID: field 22 of /proc/PID/stat (start time since boot, in clock ticks).
process_start_ticks() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # The fields after the command name, which may itself hold spaces and parentheses.
  read -r -a fields <<<"${stat##*) }"
  echo "${fields[19]}"
}

# pid_alive PIDFILE: the process a pid file names is running, and is the one recorded there.
pid_alive() {
  [ -f "$1" ] || return 1
  local pid recorded ticks
  pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null || return 1
  # A pid file from before start times were recorded, or no /proc to ask: kill -0 is all there is.
  [ -f "$1.start" ] || return 0
  recorded=$(cat "$1.start")
  ticks=$(process_start_ticks "$pid") || return 0
  [ "$ticks" = "$recorded" ]
}

# stop_pidfile PIDFILE NAME: SIGTERM to the process these scripts started and recorded in PIDFILE
# (never anything else), SIGKILL after 30 s; the pid file goes either way.
stop_pidfile() {
  local pidfile=$1 name=$2
  if pid_alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    say "Stopping the $name (pid $pid)"
    kill -TERM "$pid"
    wait_for 30 "the $name to stop" bash -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile" "$pidfile.start"
}

temporal_host() { echo "${TEMPORAL_ADDRESS%:*}"; }
temporal_port() { echo "${TEMPORAL_ADDRESS##*:}"; }
is_local_host() { case "$1" in 127.0.0.1 | localhost | ::1) return 0 ;; *) return 1 ;; esac; }

#!/usr/bin/env bash
# Ensures PostgreSQL server binaries are installed and prints their bin directory.
# Uses Debian's package; installs it when missing and running as root.
source "$(dirname "$0")/lib.sh"

find_pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

bindir=$(find_pg_bindir)
if [ -z "$bindir" ]; then
  [ "$(id -u)" = 0 ] || die "PostgreSQL server is not installed.
  Fix: sudo apt-get install -y postgresql, or set DATABASE_URL to an existing database."
  say "Installing PostgreSQL from Debian's packages (about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$TWOFOLD_LOG_DIR/apt.log" 2>&1 || true
  apt-get install -y -qq postgresql >>"$TWOFOLD_LOG_DIR/apt.log" 2>&1 ||
    die "apt-get install postgresql failed (log: $TWOFOLD_LOG_DIR/apt.log). Fix: install it by hand or set DATABASE_URL."
  # Debian's package starts its own cluster on 5432; twofold uses a throwaway one of its own.
  bindir=$(find_pg_bindir)
  [ -n "$bindir" ] || die "PostgreSQL installed but no server binaries found under /usr/lib/postgresql"
fi
echo "$bindir"

#!/usr/bin/env bash
# Ensures a Compose file parser is available so the test suite can validate docker-compose.yml
# (there is no Docker engine here; `docker-compose config` only parses). Prints the command.
source "$(dirname "$0")/lib.sh"
if command -v docker-compose >/dev/null 2>&1; then command -v docker-compose; exit 0; fi
[ "$(id -u)" = 0 ] || die "docker-compose is needed to validate docker-compose.yml.
  Fix: sudo apt-get install -y docker-compose"
say "Installing docker-compose from Debian's packages (used only to validate docker-compose.yml)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >"$TWOFOLD_LOG_DIR/apt.log" 2>&1 || true
apt-get install -y -qq --no-install-recommends docker-compose >>"$TWOFOLD_LOG_DIR/apt.log" 2>&1 ||
  die "apt-get install docker-compose failed (log: $TWOFOLD_LOG_DIR/apt.log)"
command -v docker-compose

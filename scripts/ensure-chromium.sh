#!/usr/bin/env bash
# Ensures Debian's Chromium is installed for the dashboard's browser test (playwright-core drives it
# headless; `npx playwright install` cannot download a browser here). Prints the browser's path.
source "$(dirname "$0")/lib.sh"
CHROMIUM_BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM_BIN" ]; then echo "$CHROMIUM_BIN"; exit 0; fi
[ "$(id -u)" = 0 ] || die "Chromium is needed for the dashboard's browser test.
  Fix: sudo apt-get install -y chromium   (or set CHROMIUM_PATH to an installed Chromium)"
say "Installing Chromium from Debian's packages (used only by the dashboard's browser test)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >"$TWOFOLD_LOG_DIR/apt.log" 2>&1 || true
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >>"$TWOFOLD_LOG_DIR/apt.log" 2>&1 ||
  die "apt-get install chromium failed (log: $TWOFOLD_LOG_DIR/apt.log)"
[ -x "$CHROMIUM_BIN" ] || die "chromium was installed but $CHROMIUM_BIN is missing"
echo "$CHROMIUM_BIN"

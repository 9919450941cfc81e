#!/usr/bin/env bash
# Ensures the Temporal CLI (dev server + Web UI in one binary) is installed in TWOFOLD_HOME and
# prints its path. Built from Temporal's own source through the Go module proxy, because no
# download site is reachable; reused when the cached binary reports the pinned version.
source "$(dirname "$0")/lib.sh"

if [ -x "$TEMPORAL_BIN" ] && "$TEMPORAL_BIN" --version 2>/dev/null | grep -q "$TEMPORAL_CLI_VERSION"; then
  echo "$TEMPORAL_BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "Go is needed to build the Temporal CLI $TEMPORAL_CLI_VERSION and was not found.
  Fix: install Go >= 1.23 (Debian: apt-get install golang-go), or put a temporal $TEMPORAL_CLI_VERSION binary at $TEMPORAL_BIN."

say "Building the Temporal CLI v$TEMPORAL_CLI_VERSION from source via the Go module proxy into $TEMPORAL_BIN_DIR"
say "(first time only: several minutes and a few hundred MB of Go modules; later runs reuse it)"
mkdir -p "$TEMPORAL_BIN_DIR"
log="$TWOFOLD_LOG_DIR/temporal-cli-build.log"
started=$SECONDS
if ! CGO_ENABLED=0 GOBIN="$TEMPORAL_BIN_DIR" go install \
  -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$TEMPORAL_CLI_VERSION" \
  "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  die "building the Temporal CLI failed (full log: $log).
  Fix: check that the Go module proxy is reachable (go env GOPROXY), or install the CLI by hand at $TEMPORAL_BIN."
fi
say "Temporal CLI built in $((SECONDS - started)) s"
echo "$TEMPORAL_BIN"

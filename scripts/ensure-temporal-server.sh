#!/usr/bin/env bash
# Ensures the postgres backend's programs (docs/temporal-backends.md) are installed in TWOFOLD_HOME and
# prints their directory: temporal-server and temporal-sql-tool (go.temporal.io/server), the Web UI
# server (github.com/temporalio/ui-server/v2), and the server's PostgreSQL schemas (schema/, the
# versioned migrations temporal-sql-tool applies). Built from source through the Go module proxy only
# (no download site is reachable, and no VCS fetch is allowed), with CGO off; reused when every
# binary reports its pinned version.
source "$(dirname "$0")/lib.sh"

dir="$TEMPORAL_SERVER_DIR"
server_module="go.temporal.io/server"
ui_module="github.com/temporalio/ui-server/v2"

installed() {
  [ -d "$dir/schema/postgresql/v12/temporal/versioned" ] &&
    [ -d "$dir/schema/postgresql/v12/visibility/versioned" ] &&
    "$dir/temporal-server" --version 2>/dev/null | grep -qw "$TEMPORAL_SERVER_VERSION" &&
    "$dir/temporal-sql-tool" --version 2>/dev/null | grep -qw "$TEMPORAL_SERVER_VERSION" &&
    "$dir/temporal-ui-server" --version 2>/dev/null | grep -qw "$TEMPORAL_UI_SERVER_VERSION"
}

if installed; then echo "$dir"; exit 0; fi

command -v go >/dev/null 2>&1 || die "Go is needed to build the Temporal server $TEMPORAL_SERVER_VERSION and was not found.
  Fix: install Go >= 1.25 (Debian: apt-get install golang-go), or use TEMPORAL_BACKEND=dev."

# The module proxy only: the configured proxies without `direct` (a VCS fetch) or `off`.
proxies=$(go env GOPROXY | tr ',|' '\n\n' | grep -v -e '^direct$' -e '^off$' -e '^$' | paste -sd, -)
export GOPROXY="${proxies:-https://proxy.golang.org}" CGO_ENABLED=0 GOFLAGS=-buildvcs=false

say "Building the Temporal server v$TEMPORAL_SERVER_VERSION, temporal-sql-tool and the Web UI server v$TEMPORAL_UI_SERVER_VERSION"
say "from source via the Go module proxy into $dir (first time only: several minutes; later runs reuse it)"
log="$TWOFOLD_LOG_DIR/temporal-server-build.log"
: >"$log"
started=$SECONDS
staging="$dir.partial"
rm -rf "$staging"
mkdir -p "$staging/gobin-server" "$staging/gobin-ui"

# build GOBIN PACKAGE...: `go install` at the pinned versions; the builds run with the module's own
# go.mod (no scratch module to drift from it) and the server's release build tag.
build() {
  local gobin=$1; shift
  echo "+ go install $*" >>"$log"
  GOBIN="$gobin" go install "$@" >>"$log" 2>&1
}
if ! build "$staging/gobin-server" -tags disable_grpc_modules \
  "$server_module/cmd/server@v$TEMPORAL_SERVER_VERSION" "$server_module/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION" ||
  ! build "$staging/gobin-ui" "$ui_module/cmd/server@v$TEMPORAL_UI_SERVER_VERSION"; then
  tail -n 20 "$log" >&2
  die "building the Temporal server failed (full log: $log).
  Fix: check that the Go module proxy is reachable (go env GOPROXY), or use TEMPORAL_BACKEND=dev."
fi

# The schemas ship in the server module; keep the pinned version's copy beside the binaries so a
# cleaned module cache does not break a later schema upgrade.
module_dir=$(go mod download -json "$server_module@v$TEMPORAL_SERVER_VERSION" 2>>"$log" |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).Dir));') ||
  die "cannot locate $server_module@v$TEMPORAL_SERVER_VERSION in the module cache (log: $log)"
mkdir -p "$staging/schema/postgresql"
cp -R "$module_dir/schema/postgresql/v12" "$staging/schema/postgresql/v12"
chmod -R u+w "$staging/schema"

mv "$staging/gobin-server/server" "$staging/temporal-server"
mv "$staging/gobin-server/sql" "$staging/temporal-sql-tool"
mv "$staging/gobin-ui/server" "$staging/temporal-ui-server"
rmdir "$staging/gobin-server" "$staging/gobin-ui"
echo "$server_module@v$TEMPORAL_SERVER_VERSION $ui_module@v$TEMPORAL_UI_SERVER_VERSION (schema from $module_dir)" >"$staging/SOURCE"
rm -rf "$dir"
mv "$staging" "$dir"
installed || die "the Temporal server was built but does not report version $TEMPORAL_SERVER_VERSION (log: $log)"
say "Temporal server built in $((SECONDS - started)) s"
echo "$dir"

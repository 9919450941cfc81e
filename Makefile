# twofold — the two commands (`make demo`, `make test`) and the stack helpers.
# Everything installed outside node_modules lives under $(TWOFOLD_HOME) (default ~/.cache/twofold).
# TEMPORAL_BACKEND=dev (default: the Temporal CLI's dev server) or postgres (the Temporal server on the
# local PostgreSQL, with its Web UI server) selects what `up`, `demo` and `bench` run Temporal on
# (docs/temporal-backends.md); `down` stops either.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

NPM_STAMP := node_modules/.twofold-installed

.PHONY: help deps toolchain up down status test test-unit lint typecheck demo bench chaos smoke-postgres

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(NPM_STAMP): package.json package-lock.json
	@echo "[twofold] installing npm dependencies (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(NPM_STAMP) ## install npm dependencies from the lockfile (skipped when up to date)

toolchain: ## install the Temporal CLI and PostgreSQL if missing (reused when present); TEMPORAL_BACKEND=postgres: also build the Temporal server
	@bash scripts/ensure-temporal-cli.sh >/dev/null
	@if [ "$${TEMPORAL_BACKEND:-dev}" = postgres ]; then bash scripts/ensure-temporal-server.sh >/dev/null; fi
	@if [ -z "$${DATABASE_URL:-}" ]; then bash scripts/ensure-postgres.sh >/dev/null; fi
	@bash scripts/ensure-compose.sh >/dev/null
	@bash scripts/ensure-chromium.sh >/dev/null

up: deps toolchain ## start the whole stack in the background (Temporal, PostgreSQL, emulator, gateway, worker), print URLs; TEMPORAL_BACKEND=postgres: Temporal on PostgreSQL
	@bash scripts/stack.sh up >/dev/null
	@node bin/twofold.js db migrate
	@bash scripts/services.sh up >/dev/null
	@LOG_LEVEL=warn node bin/twofold.js schedule ensure
	@LOG_LEVEL=warn node bin/twofold.js stack check --running-worker
	@bash scripts/print-urls.sh

down: ## stop what `make up` started, on either Temporal backend (data is kept)
	@bash scripts/services.sh down
	@bash scripts/stack.sh down

status: ## show which services are running
	@bash scripts/stack.sh status
	@bash scripts/services.sh status

lint: deps ## ESLint + Prettier check
	npm run lint

typecheck: deps ## strict TypeScript check
	npm run typecheck

test: deps toolchain lint typecheck ## install what is missing, lint, typecheck, run every test (unit + stack projects)
	npx jest $(if $(JEST_JSON_OUTPUT),--json --outputFile=$(JEST_JSON_OUTPUT))

test-unit: deps ## the unit tests only (*.unit.test.ts): no services, seconds — the edit-run loop
	npx jest --selectProjects unit

demo: deps toolchain ## run the main job end to end (KEEP=1 leaves the stack running; TEMPORAL_BACKEND=postgres: Temporal on PostgreSQL)
	@bash scripts/demo.sh

bench: deps toolchain ## run every benchmark under bench/ on both Temporal backends, then a side-by-side table (TEMPORAL_BACKEND=x: that one only; BENCH_ONLY, BENCH_WAITING: bench/run.sh)
	@bash bench/run.sh

chaos: deps toolchain ## SIGKILL every service under a simulated cohort, on a stack of its own (CHAOS_RUNS=10: ten runs)
	@npx --no-install tsx scripts/chaos.ts

smoke-postgres: deps toolchain ## the postgres backend's smoke test on a stack of its own: build (cached), start, one onboarding to enabled, stop (not in `make test`: docs/temporal-backends.md)
	@bash scripts/temporal-postgres-smoke.sh

#!/usr/bin/env bash
# The end-to-end suite against a throwaway stack of its own: `scripts/dev up`
# on side ports, a separate database and its own .data/spa folder, the Vite dev
# server pointed at it, the e2e specs (extra arguments pass through to vitest,
# e.g. e2e/app.spec.ts), then the stack and Vite are stopped again, whatever
# happened. Needs Debian's chromium (/usr/bin/chromium); runs `npm ci` in
# frontend/ when node_modules is missing.
#
#   frontend/scripts/e2e-stack.sh                    # every spec (app, a11y, reports)
#   frontend/scripts/e2e-stack.sh e2e/app.spec.ts    # one spec
#
# Side ports (none of them the developer's stack's 8080/9099/4400/4500/4443/5173,
# nor the Go tests' emulator on 9199/4409/4509); each can be moved with the
# E2E_* variable named beside it.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)

api_port=${E2E_API_PORT:-18180}
auth_port=${E2E_AUTH_PORT:-19199}
spa_port=${E2E_SPA_PORT:-15173}
export SPA_PORT=0 # this script runs its own Vite, pointed at this stack
export API_PORT=$api_port
export AUTH_EMULATOR_PORT=$auth_port
export EMULATOR_HUB_PORT=${E2E_HUB_PORT:-14410}
export EMULATOR_LOGGING_PORT=${E2E_LOGGING_PORT:-14510}
export LOCAL_GCS_PORT=${E2E_GCS_PORT:-14443}
# Used only when no PostgreSQL / Redis answers on the default ports.
export LOCAL_PG_PORT=${E2E_LOCAL_PG_PORT:-15432}
export LOCAL_REDIS_PORT=${E2E_LOCAL_REDIS_PORT:-16379}
export DATA_DIR=${E2E_DATA_DIR:-$repo/.data/spa}
export MIRANTE_DB_NAME=${E2E_DB_NAME:-mirante_spa}
# The developer's stack.env may be in the environment: the e2e stack chooses its own.
# (E2E_DATABASE_URL names a PostgreSQL admin URL for it when the default one will not do.)
unset DATABASE_URL APP_DATABASE_URL API_URL FIREBASE_AUTH_EMULATOR_HOST STORAGE_EMULATOR_HOST LOCAL_DATA_DIR WAREHOUSE_PATH PORT
if [ -n "${E2E_DATABASE_URL:-}" ]; then export DATABASE_URL=$E2E_DATABASE_URL; fi

vite_pid=
started_stack=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$vite_pid" ]; then
		kill "$vite_pid" 2>/dev/null || true
		wait "$vite_pid" 2>/dev/null || true
	fi
	if [ -n "$started_stack" ]; then "$repo/scripts/dev" down >/dev/null 2>&1 || true; fi
	exit "$rc"
}
trap cleanup EXIT INT TERM

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "e2e: $chromium is missing (apt-get install -y chromium, or scripts/dev deps)" >&2; exit 1; }
[ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund)

if curl -fsS "http://127.0.0.1:$api_port/healthz" >/dev/null 2>&1; then
	echo "e2e: reusing the stack already on :$api_port"
else
	"$repo/scripts/dev" up
	started_stack=1
fi

mkdir -p "$DATA_DIR/logs"
# This stack's own Vite cache, emptied first: the first chart is proved to
# load on a fresh dependency cache (e2e/teams-resilience.spec.ts).
vite_cache=$DATA_DIR/vite
rm -rf "$vite_cache"
cd "$here"
VITE_CACHE_DIR="$vite_cache" VITE_API_TARGET="http://127.0.0.1:$api_port" VITE_AUTH_EMULATOR_HOST="127.0.0.1:$auth_port" \
	node_modules/.bin/vite --host 127.0.0.1 --port "$spa_port" --strictPort --clearScreen false >"$DATA_DIR/logs/vite-e2e.log" 2>&1 &
vite_pid=$!
# Poll until the dev server answers (up to 60 s), or stop when it died.
deadline=$((SECONDS + 60))
until curl -fsS "http://127.0.0.1:$spa_port/" >/dev/null 2>&1; do
	if ! kill -0 "$vite_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
		echo "e2e: the Vite dev server did not start:" >&2
		cat "$DATA_DIR/logs/vite-e2e.log" >&2
		exit 1
	fi
	sleep 0.2
done

E2E_BASE_URL="http://127.0.0.1:$spa_port" FIREBASE_AUTH_EMULATOR_HOST="127.0.0.1:$auth_port" CHROMIUM_PATH="$chromium" \
	node_modules/.bin/vitest run --config vitest.e2e.config.ts "$@"

#!/usr/bin/env bash
# The indexer against the chain: installs indexer/'s dependencies, starts it on PGlite against a node
# that has Annota deployed with activity (deployments/localhost.json), waits until it has indexed the
# chain's head, and compares everything it serves with the chain's views (indexer/scripts/check.mjs);
# then does the same once on PostgreSQL when the Debian package is installed (ANNOTA_SKIP_POSTGRES=1
# skips it; ANNOTA_SKIP_INSTALL=1 keeps an existing indexer/node_modules). Every process it starts
# is stopped on exit.
#   RPC_URL (default http://127.0.0.1:8545) and ANNOTA_BOOK (default deployments/localhost.json).
set -euo pipefail
cd "$(dirname "$0")/.."
# The pinned Node 22 (and the project's binaries) first: the system Node may be older.
export PATH="$(pwd)/node_modules/.bin:$PATH"
export ANNOTA_RPC_URL="${ANNOTA_RPC_URL:-${RPC_URL:-http://127.0.0.1:8545}}"
export ANNOTA_BOOK="$(realpath "${ANNOTA_BOOK:-deployments/localhost.json}")"
export PONDER_TELEMETRY_DISABLED=true
work=$(mktemp -d)
indexer_pid=""
pg_dir=""

stop_indexer() {
  if [ -n "$indexer_pid" ]; then
    # The indexer runs in its own process group (npm, node, ponder): stop the whole group.
    kill -- "-$indexer_pid" 2>/dev/null || kill "$indexer_pid" 2>/dev/null || true
    wait "$indexer_pid" 2>/dev/null || true
    indexer_pid=""
  fi
}
stop_postgres() {
  if [ -n "$pg_dir" ]; then
    as_pg pg_ctl -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
    pg_dir=""
  fi
}
cleanup() {
  stop_indexer
  stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

test -s "$ANNOTA_BOOK" || { echo "no address book at $ANNOTA_BOOK: deploy first" >&2; exit 1; }
curl -s -X POST -H 'content-type: application/json' \
  --data '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' "$ANNOTA_RPC_URL" | grep -q result ||
  { echo "no JSON-RPC node at $ANNOTA_RPC_URL" >&2; exit 1; }

if [ "${ANNOTA_SKIP_INSTALL:-0}" = "1" ] && [ -d indexer/node_modules ]; then
  echo "--- the indexer's dependencies: kept (ANNOTA_SKIP_INSTALL=1)"
else
  echo "--- installing the indexer (npm ci in indexer/, Node 22)"
  start=$SECONDS
  (cd indexer && npx -y -p node@22 -- npm ci --no-audit --no-fund >"$work/install.log" 2>&1) ||
    { cat "$work/install.log"; exit 1; }
  echo "installed in $((SECONDS - start)) s"
fi

# Starts the indexer (extra env as arguments), waits for it to index the head, runs the check.
run_and_check() {
  local label="$1"
  shift
  local port
  port=$(free_port)
  local log="$work/indexer-$label.log"
  local start=$SECONDS
  env "$@" setsid npm --prefix indexer run start -- --network localhost --port "$port" --hostname 127.0.0.1 \
    >"$log" 2>&1 &
  indexer_pid=$!
  echo "--- indexer on $label: http://127.0.0.1:$port (log $log)"
  node indexer/scripts/check.mjs --network localhost --url "http://127.0.0.1:$port" --wait 900 &
  local check_pid=$!
  # Fail fast when the indexer dies instead of letting the check wait for it.
  while kill -0 "$check_pid" 2>/dev/null; do
    if ! kill -0 "$indexer_pid" 2>/dev/null; then
      kill "$check_pid" 2>/dev/null || true
      echo "the indexer stopped before the check ended" >&2
      break
    fi
    sleep 1
  done
  if ! wait "$check_pid"; then
    echo "--- the indexer's log:"
    tail -n 60 "$log"
    stop_indexer
    return 1
  fi
  echo "indexed and checked on $label in $((SECONDS - start)) s"
  # The SDK's IndexerClient against the same indexer gives what its RPC Discovery gives.
  if ! node --import tsx scripts/check-indexer-client.ts --url "http://127.0.0.1:$port"; then
    stop_indexer
    return 1
  fi
  stop_indexer
}

status=0
run_and_check pglite || status=1

pg_bin=""
for dir in /usr/lib/postgresql/*/bin; do
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then pg_bin="$dir"; fi
done
if [ "${ANNOTA_SKIP_POSTGRES:-0}" = "1" ]; then
  echo "--- PostgreSQL: skipped (ANNOTA_SKIP_POSTGRES=1)"
elif [ -z "$pg_bin" ]; then
  echo "--- PostgreSQL: skipped (the Debian package postgresql is not installed: no initdb/pg_ctl)"
else
  echo "--- PostgreSQL from $pg_bin: a throw-away cluster"
  pg_dir=$(mktemp -d)
  # PostgreSQL refuses to run as root: as root, run it as the postgres user.
  if [ "$(id -u)" = "0" ]; then
    chown postgres "$pg_dir"
    as_pg() { runuser -u postgres -- "$pg_bin/$1" "${@:2}"; }
  else
    as_pg() { "$pg_bin/$1" "${@:2}"; }
  fi
  pg_port=$(free_port)
  as_pg initdb -D "$pg_dir/data" -A trust -U postgres >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; exit 1; }
  as_pg pg_ctl -D "$pg_dir/data" -o "-p $pg_port -k $pg_dir -h 127.0.0.1" -l "$pg_dir/server.log" -w start >/dev/null
  run_and_check postgres DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres" || status=1
  stop_postgres
fi
exit $status

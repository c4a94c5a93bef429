#!/usr/bin/env bash
# The reference dapp (dapp/, docs/dapp.md) in a real browser: installs Debian's Chromium if it is
# missing (as root), installs dapp/'s and indexer/'s dependencies, type-checks and builds the app,
# then runs its Playwright suite, whose global set-up starts a Hardhat node on 127.0.0.1:8555 (not
# 8545, CI's own node), deploys Annota to it, and starts the relayer (8556) and the indexer on
# PGlite (8557) beside it, and whose web server is `vite preview` of the build, its lists read from
# the indexer. Every process it starts is stopped on exit, whether the steps pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
# The pinned Node 22 (and the project's binaries) first: the system Node may be older.
export PATH="$(pwd)/node_modules/.bin:$PATH"
export ANNOTA_RPC_URL="${ANNOTA_RPC_URL:-http://127.0.0.1:8555}"
suite_pid=""
cleanup() {
  if [ -n "$suite_pid" ]; then
    # Playwright, its web server, the browser and the node run in the suite's process group.
    kill -- "-$suite_pid" 2>/dev/null || true
    wait "$suite_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != "0" ]; then echo "Debian's chromium is not installed (apt-get install chromium, as root)" >&2; exit 1; fi
  echo "--- installing Debian's chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "--- installing dapp/ and indexer/ (npm ci, Node 22)"
(cd dapp && npx -y -p node@22 -- npm ci --no-audit --no-fund >/dev/null)
(cd indexer && npx -y -p node@22 -- npm ci --no-audit --no-fund >/dev/null)

echo "--- type-checking (app: DOM only; tests) and building the app with Vite"
hardhat build --quiet # the SDK's TypeChain bindings
(cd dapp && npm run typecheck && npx vite build --logLevel warn)

echo "--- the Playwright suite in Chromium (node on $ANNOTA_RPC_URL, lists from the indexer)"
start=$SECONDS
(cd dapp && exec setsid npx playwright test) &
suite_pid=$!
status=0
wait "$suite_pid" || status=$?
suite_pid=""
echo "--- the suite ran in $((SECONDS - start)) s"
exit $status

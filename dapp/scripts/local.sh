#!/usr/bin/env bash
# `npm run dapp`: a local try-out of the dapp. Starts a Hardhat node (ANNOTA_RPC_URL, default
# http://127.0.0.1:8545), deploys Annota to it (dapp/scripts/deploy-local.ts), adds sample data
# (dapp/scripts/sample-data.ts), starts the indexer on PGlite against it (installing indexer/'s
# dependencies the first time), the reference relayer (relayer/main.ts, ANNOTA_RELAYER_URL, default
# http://127.0.0.1:8600; not started if one already answers there) with Hardhat's account 19 as its
# key, then the app (vite, with the local services of dapp/server/local.ts) on http://127.0.0.1:5173. Ctrl-C stops everything it started. Import one of Hardhat's default
# accounts (dapp/README.md) into an EIP-6963 wallet on chain 31337 to use it.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$(pwd)/node_modules/.bin:$PATH"
export ANNOTA_RPC_URL="${ANNOTA_RPC_URL:-http://127.0.0.1:8545}"
export ANNOTA_RELAYER_URL="${ANNOTA_RELAYER_URL:-http://127.0.0.1:8600}"
export PONDER_TELEMETRY_DISABLED=true
state=dapp/node_modules/.annota
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rpc_ready() {
  curl -s -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$1" | grep -q result
}

if [ ! -d dapp/node_modules/vite ]; then (cd dapp && npx -y -p node@22 -- npm ci --no-audit --no-fund); fi
if [ ! -d indexer/node_modules/ponder ]; then (cd indexer && npx -y -p node@22 -- npm ci --no-audit --no-fund); fi
hardhat build --quiet
mkdir -p "$state"

if rpc_ready "$ANNOTA_RPC_URL"; then echo "something already listens on $ANNOTA_RPC_URL: stop it first" >&2; exit 1; fi
port="${ANNOTA_RPC_URL##*:}"
setsid hardhat node --hostname 127.0.0.1 --port "$port" >"$state/node.log" 2>&1 &
pids+=($!)
until rpc_ready "$ANNOTA_RPC_URL"; do sleep 1; done
node --import tsx dapp/scripts/deploy-local.ts
node --import tsx dapp/scripts/sample-data.ts

export ANNOTA_BOOK="$(pwd)/$state/localhost.json"
export ANNOTA_INDEXER_URL=http://127.0.0.1:42069
setsid npm --prefix indexer run start -- --network localhost --port 42069 --hostname 127.0.0.1 >"$state/indexer.log" 2>&1 &
pids+=($!)
echo "indexer: $ANNOTA_INDEXER_URL (log $state/indexer.log)"
if curl -sf "$ANNOTA_RELAYER_URL/status" >/dev/null; then
  echo "relayer: $ANNOTA_RELAYER_URL (already running)"
else
  # Hardhat's default account 19 (a public development key): it pays the relayer's gas in ETH. Items
  # post within 5 s (batches of up to 10), as a try-out wants; its store starts afresh with the chain.
  rm -f "$state/relayer.sqlite" "$state/relayer.sqlite-wal" "$state/relayer.sqlite-shm"
  ANNOTA_RELAYER_KEY=0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e setsid node --import tsx \
    relayer/main.ts --book "$ANNOTA_BOOK" --rpc "$ANNOTA_RPC_URL" --port "${ANNOTA_RELAYER_URL##*:}" \
    --db "$state/relayer.sqlite" --batch-size 10 --max-wait 5 >"$state/relayer.log" 2>&1 &
  pids+=($!)
  until curl -sf "$ANNOTA_RELAYER_URL/status" >/dev/null; do sleep 1; done
  echo "relayer: $ANNOTA_RELAYER_URL (log $state/relayer.log)"
fi
(cd dapp && setsid npx vite --port 5173 --strictPort) &
pids+=($!)
wait

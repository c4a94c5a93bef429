#!/usr/bin/env bash
# The relayer service against a real node (docs/relayer.md): a JSON-RPC node on 127.0.0.1 with Annota
# deployed, then the reliability run (SIGKILL at each crash point and at random, every accepted item
# landed exactly once) and the load run (2,000 submissions from 200 labelers, throughput and latency
# printed). As root it runs in a network namespace of its own, so its ports never clash with another
# node. The node is stopped on exit, whether the runs pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(pwd)/node_modules/.bin:$PATH"

if [ "$(id -u)" = "0" ] && [ -z "${ANNOTA_OWN_NETNS:-}" ]; then
  exec unshare -n env ANNOTA_OWN_NETNS=1 bash -c 'ip link set lo up && exec bash "$0"' "$0"
fi

PORT=8545
export ANNOTA_RPC_URL="http://127.0.0.1:${PORT}"
work=$(mktemp -d)
node_pid=""
cleanup() {
  if [ -n "$node_pid" ]; then
    kill -- "-$node_pid" 2>/dev/null || kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null "$ANNOTA_RPC_URL"; then
  echo "something already listens on $ANNOTA_RPC_URL: stop it first" >&2
  exit 1
fi
echo "--- starting a JSON-RPC node on $ANNOTA_RPC_URL"
setsid hardhat node --hostname 127.0.0.1 --port "$PORT" >"$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 60); do
  if curl -s -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$ANNOTA_RPC_URL" | grep -q result; then
    break
  fi
  if ! kill -0 "$node_pid" 2>/dev/null; then cat "$work/node.log"; echo "the node did not start" >&2; exit 1; fi
  sleep 1
done

echo "--- deploying"
rm -f deployments/localhost.json
npm run deploy -- --network localhost >/dev/null
test -s deployments/localhost.json || { echo "deployments/localhost.json was not written" >&2; exit 1; }

echo "--- reliability: SIGKILL at each crash point and at random"
node --import tsx scripts/relayer/reliability.ts --rpc "$ANNOTA_RPC_URL" --book deployments/localhost.json

echo "--- load: 2,000 submissions from 200 labelers"
node --import tsx scripts/relayer/load.ts --rpc "$ANNOTA_RPC_URL" --book deployments/localhost.json

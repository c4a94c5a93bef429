#!/usr/bin/env bash
# Deploys Annota to a real JSON-RPC node on 127.0.0.1 (blockhash randomness, the local default),
# checks the address book against the chain, runs the acceptance scenario (a dispute with an appeal,
# every balance checked against the documented formulas) twice, the second time on the used node,
# runs the dataset shares scenario (licence sales, royalties and a share transfer, each royalty
# checked against the replayed accounting), runs the demo through the SDK against the node, lands
# relayed submissions (scripts/relay-scenario.ts, so that the indexer's check meets them), then installs the packed npm package into a
# folder outside the repository and uses it from plain JavaScript and TypeScript, runs the README's
# example (examples/node/quickstart.ts) and bundles examples/browser/main.ts for browsers. The node is
# stopped on exit, whether the steps pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
# The pinned Node 22 (and the project's binaries) first: the system Node may be older.
export PATH="$(pwd)/node_modules/.bin:$PATH"

PORT=8545
export RPC_URL="http://127.0.0.1:${PORT}"
work=$(mktemp -d)
node_pid=""
cleanup() {
  if [ -n "$node_pid" ]; then
    # The node runs in its own process group: stop the group, so no child outlives the script.
    kill -- "-$node_pid" 2>/dev/null || kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null "$RPC_URL"; then
  echo "something already listens on $RPC_URL: stop it first" >&2
  exit 1
fi

echo "--- starting a JSON-RPC node on $RPC_URL"
setsid node_modules/.bin/hardhat node --hostname 127.0.0.1 --port "$PORT" >"$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 60); do
  if curl -s -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$RPC_URL" | grep -q result; then
    break
  fi
  if ! kill -0 "$node_pid" 2>/dev/null; then cat "$work/node.log"; echo "the node did not start" >&2; exit 1; fi
  sleep 1
done

echo "--- deploying with the README's deploy command"
rm -f deployments/localhost.json
npm run deploy -- --network localhost
test -s deployments/localhost.json || { echo "deployments/localhost.json was not written" >&2; exit 1; }

echo "--- checking deployments/localhost.json against the chain"
npx hardhat run scripts/check-deployment.ts --network localhost

echo "--- acceptance scenario: challenge, jury, appeal, larger jury, settlement, every balance checked"
npx hardhat run scripts/scenario.ts --network localhost
echo "--- the same scenario again, on a node that was used before (every check is a change)"
npx hardhat run scripts/scenario.ts --network localhost

echo "--- dataset shares scenario: closed task, shares, two licences, a share transfer, every royalty checked"
npx hardhat run scripts/shares-scenario.ts --network localhost

echo "--- running the demo through the SDK against the node"
npx hardhat run scripts/demo.ts --network localhost

echo "--- relayed submissions: a batch landed, skipped items, an early acceptance, a challenge, a batch payout"
npx hardhat run scripts/relay-scenario.ts --network localhost

echo "--- the indexer against the chain (PGlite, then PostgreSQL if installed), and the SDK's IndexerClient"
bash .ci/indexer.sh

echo "--- packing the npm package and using it from a folder outside the repository"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
if tar -tzf "$work/$tarball" | grep -E '^package/dist/typechain-types/(factories/)?contracts/test/'; then
  echo "the package ships bindings of the test doubles (contracts/test)" >&2
  exit 1
fi
mkdir -p "$work/consumer"
cp .ci/consumer/consumer.mjs .ci/consumer/consumer.ts .ci/consumer/tsconfig.json "$work/consumer/"
# The README's examples, laid out as in the repository: examples/ next to deployments/<network>.json.
cp -R examples "$work/consumer/examples"
mkdir -p "$work/consumer/deployments"
cp deployments/localhost.json "$work/consumer/deployments/localhost.json"
(
  cd "$work/consumer"
  printf '{ "name": "annota-consumer", "private": true, "type": "module" }\n' >package.json
  npx -y -p node@22 -- npm install --no-audit --no-fund "$work/$tarball" ethers@6 @types/node@22 >/dev/null
)
repo=$(pwd)
export ANNOTA_BOOK="$repo/deployments/localhost.json"
(cd "$work/consumer" && "$repo/node_modules/.bin/node" consumer.mjs)
(cd "$work/consumer" && "$repo/node_modules/.bin/tsc" -p tsconfig.json && "$repo/node_modules/.bin/node" consumer.ts)
echo "--- the README's example (examples/node/quickstart.ts): strict type-check, then run against the node"
(cd "$work/consumer" && "$repo/node_modules/.bin/tsc" -p examples/tsconfig.json && "$repo/node_modules/.bin/node" examples/node/quickstart.ts)
echo "--- the browser bundle (examples/browser/main.ts): DOM-only type-check, esbuild, no Node built-in, run"
(
  cd "$work/consumer"
  "$repo/node_modules/.bin/tsc" -p examples/browser/tsconfig.json
  "$repo/node_modules/.bin/esbuild" examples/browser/main.ts --bundle --platform=browser --format=esm \
    --target=es2022 --log-level=warning --metafile=browser-bundle.js.meta.json --outfile=browser-bundle.js
  "$repo/node_modules/.bin/node" examples/browser/run-bundle.mjs browser-bundle.js
)
echo "--- local node checks passed"

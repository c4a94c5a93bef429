/**
 * Deploys Annota to the node at ANNOTA_RPC_URL (a local Hardhat node on any port) as `npm run deploy
 * -- --network localhost` does (scripts/lib/deploy.ts, the local parameters) but with court tier 1
 * as well (`tiers: 2`: its seat lock 800 LABEL, 25 LABEL per seat), so that the browser offers it,
 * and writes the address book to dapp/node_modules/.annota/localhost.json, where the dapp's local
 * server and its tests read it: deployments/localhost.json (the 8545 node's) is left alone.
 * Run from the repository root: `node --import tsx dapp/scripts/deploy-local.ts`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";

import hre from "hardhat";

import { deployAnnota } from "../../scripts/lib/deploy.js";

const url = process.env.ANNOTA_RPC_URL ?? "http://127.0.0.1:8555";
const outDir = path.resolve(import.meta.dirname, "../node_modules/.annota");
mkdirSync(outDir, { recursive: true });
const connection = await hre.network.connect({ network: "localhost", override: { url } });
try {
  const book = await deployAnnota(connection, { outDir, tiers: 2 });
  console.log(`Annota deployed to ${url} (chain ${book.chainId}): ${path.join(outDir, "localhost.json")}`);
} finally {
  await connection.close();
}

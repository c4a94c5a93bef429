// `npm run start -- --network NAME [ponder start options]`: resolves the network's address book and
// RPC URL, writes the ABIs, turns telemetry off and starts Ponder (PGlite, or PostgreSQL when
// DATABASE_URL is set). On a local chain (Hardhat, Anvil) the previous index is dropped first,
// since the chain vanished with its node; ANNOTA_KEEP_INDEX=1 keeps it.
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";

import { writeAbis } from "./abis.mjs";
import { INDEXER_DIR, LOCAL_CHAIN_IDS, bookPathOf, loadBook, networkOf, rpcUrlOf } from "./book.mjs";

const [command = "start", ...rest] = process.argv.slice(2);
const network = networkOf(rest);
const passThrough = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === "--network") i++;
  else if (!rest[i].startsWith("--network=")) passThrough.push(rest[i]);
}

let book;
try {
  book = loadBook(bookPathOf(network));
  rpcUrlOf(network);
} catch (error) {
  console.error(`annota-indexer: ${error.message}`);
  process.exit(1);
}
writeAbis(bookPathOf(network));

const schema = process.env.DATABASE_SCHEMA ?? `annota_${network.replace(/[^a-zA-Z0-9_]/g, "_")}`;
const env = {
  ...process.env,
  ANNOTA_NETWORK: network,
  ANNOTA_BOOK: bookPathOf(network),
  ANNOTA_RPC_URL: rpcUrlOf(network),
  DATABASE_SCHEMA: schema,
  PONDER_TELEMETRY_DISABLED: "true",
};

if (LOCAL_CHAIN_IDS.includes(book.chainId) && process.env.ANNOTA_KEEP_INDEX !== "1") {
  if (process.env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  } else {
    rmSync(resolve(INDEXER_DIR, process.env.ANNOTA_PGLITE_DIR ?? `.ponder/pglite-${network}`), {
      recursive: true,
      force: true,
    });
  }
}

console.log(
  `annota-indexer: ${network} (chain ${book.chainId}) from block ${book.deploymentBlock}, ` +
    `book ${env.ANNOTA_BOOK}, ${process.env.DATABASE_URL ? `PostgreSQL schema ${schema}` : "PGlite"}`,
);
const ponder = resolve(INDEXER_DIR, "node_modules", ".bin", "ponder");
if (!existsSync(ponder)) {
  console.error("annota-indexer: its dependencies are not installed: run `npm --prefix indexer ci` first");
  process.exit(1);
}
const child = spawn(ponder, [command, ...passThrough], { cwd: INDEXER_DIR, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/**
 * The indexer beside the suite's node (indexer/, Ponder on PGlite, docs/indexer.md): started by the
 * global set-up, restarted by the snapshot fixture after a revert deeper than Ponder can follow, and
 * stopped by the global teardown. Its process group's id is kept in INDEXER_PID, so that whichever
 * process started it last, the teardown stops that one.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { BOOK, INDEXER_URL, REPO, RPC_URL, STATE_DIR } from "./env.js";

/** Where the pid of the indexer's process group is kept. */
const INDEXER_PID = path.join(STATE_DIR, "indexer.pid");

/**
 * Ponder's finality depth for a chain it does not know, such as Hardhat's 31337: it keeps 30 to 60
 * blocks below the head unfinalized, and a revert to before its finalized block is an
 * "unrecoverable reorg" after which it no longer follows the chain. A revert of fewer blocks is
 * always followed.
 */
export const PONDER_FINALITY = 30;

async function blockNumber(): Promise<number> {
  const response = await fetch(RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  return Number(((await response.json()) as { result: string }).result);
}

/** The last block the indexer has indexed (Ponder's `/status`), or undefined while it cannot say. */
export async function indexedBlock(): Promise<number | undefined> {
  try {
    const response = await fetch(`${INDEXER_URL}/status`);
    if (!response.ok) return undefined;
    const status = (await response.json()) as Record<string, { block?: { number?: number } }>;
    return Object.values(status)[0]?.block?.number;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the indexer has indexed exactly the chain's head, the lag the app shows being 0. Equal,
 * not at least: after a test's snapshot is reverted the indexer is ahead of the head on blocks that no
 * longer exist until Ponder has followed the revert as a reorg.
 */
export async function indexerCaughtUp(timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [head, indexed] = await Promise.all([blockNumber(), indexedBlock()]);
    if (indexed === head) return head;
    if (Date.now() > deadline) {
      throw new Error(
        `the indexer at ${INDEXER_URL} is at block ${indexed ?? "none"}, the chain at ${head} (see ${STATE_DIR}/indexer.log)`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts the indexer as `npm --prefix indexer run start` does (indexer/scripts/run.mjs, which drops
 * a local chain's previous index first), against the suite's node and address book, on PGlite in
 * the folder ANNOTA_PGLITE_DIR (the global set-up makes it, under a fresh temporary folder, before
 * the workers start: they inherit it), logging to STATE_DIR/indexer.log; returns once it has indexed
 * the chain's head (PGlite's start and a short backfill: up to 3 minutes on a loaded machine).
 */
export async function startIndexer(): Promise<void> {
  if (!process.env.ANNOTA_PGLITE_DIR) throw new Error("ANNOTA_PGLITE_DIR is not set (tests/global-setup.ts sets it)");
  if (!existsSync(path.join(REPO, "indexer/node_modules/.bin/ponder"))) {
    throw new Error("the indexer's dependencies are not installed: npm --prefix indexer ci (.ci/dapp.sh does it)");
  }
  if ((await indexedBlock()) !== undefined)
    throw new Error(`something already answers on ${INDEXER_URL}: stop it first`);
  const { hostname, port } = new URL(INDEXER_URL);
  const log = openSync(path.join(STATE_DIR, "indexer.log"), "a");
  const bin = path.join(REPO, "node_modules/.bin");
  const indexer = spawn(
    path.join(bin, "node"),
    [
      "scripts/run.mjs",
      "start",
      "--network",
      "localhost",
      "--port",
      port,
      "--hostname",
      hostname,
      "--log-level",
      "warn",
    ],
    {
      cwd: path.join(REPO, "indexer"),
      // The repository's Node 22 first: Ponder's binary runs on the `node` of PATH.
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ""}`,
        ANNOTA_BOOK: BOOK,
        LOCALHOST_RPC_URL: RPC_URL,
      },
      detached: true,
      stdio: ["ignore", log, log],
    },
  );
  writeFileSync(INDEXER_PID, String(indexer.pid));
  try {
    for (let i = 0; (await indexedBlock()) === undefined; i++) {
      if (i > 360 || indexer.exitCode !== null)
        throw new Error(`the indexer did not start (see ${STATE_DIR}/indexer.log)`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await indexerCaughtUp(180_000);
  } catch (error) {
    await stopIndexer();
    throw error;
  }
}

/** Stops the indexer started last (its process group) and waits until every process of it has exited. */
export async function stopIndexer(): Promise<void> {
  if (!existsSync(INDEXER_PID)) return;
  const pid = Number(readFileSync(INDEXER_PID, "utf8"));
  rmSync(INDEXER_PID);
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(-pid, "SIGKILL");
}

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { ROLE, account } from "./chain.js";
import { BOOK, RELAYER_URL, REPO, RPC_URL, STATE_DIR } from "./env.js";
import { startIndexer, stopIndexer } from "./indexer.js";

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

async function relayerAnswers(): Promise<boolean> {
  try {
    return (await fetch(`${RELAYER_URL}/status`)).ok;
  } catch {
    return false;
  }
}

async function until(ready: () => Promise<boolean>, child: ChildProcess, what: string) {
  for (let i = 0; !(await ready()); i++) {
    if (i > 120 || child.exitCode !== null) throw new Error(`${what} did not start (see ${STATE_DIR})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Starts a Hardhat node on RPC_URL's port and deploys Annota to it (dapp/scripts/deploy-local.ts),
 * then the reference relayer on RELAYER_URL's port (relayer/main.ts, docs/relayer.md) with account
 * ROLE.relayer's key, posting each item at once (batches of 1, 1 s of waiting); each in its own
 * process group, stopped by the returned teardown. ANNOTA_REUSE_NODE=1 uses a node already
 * listening there instead (its deployment is redone).
 *
 * The relayer's store is made afresh for each run, while the tests revert the chain under it: the
 * relayed test submits as ROLE.relayedLabeler, whom no other test uses, and waits until its item has
 * landed and been paid out, so that nothing of the store is left open when the chain is reverted. A
 * second relayed test would need a relayer of its own: after a revert the escrow numbers batches
 * from the same id again, and the store keeps one payout per batch id.
 *
 * Last the indexer (indexer/, Ponder on PGlite: tests/indexer.ts) on INDEXER_URL's port, its
 * database in a fresh temporary folder that the teardown removes; set-up returns once it has indexed
 * the chain's head. The app's lists come from it (playwright.config.ts passes ANNOTA_INDEXER_URL to
 * the app's server); Ponder follows the snapshot reverts as reorgs (tests/fixtures.ts).
 */
export default async function globalSetup() {
  mkdirSync(STATE_DIR, { recursive: true });
  const node = path.join(REPO, "node_modules/.bin/node");
  const env = { ...process.env, PATH: `${path.join(REPO, "node_modules/.bin")}:${process.env.PATH ?? ""}` };
  let child: ChildProcess | undefined;
  if (!(process.env.ANNOTA_REUSE_NODE === "1" && (await answers(RPC_URL)))) {
    if (await answers(RPC_URL)) throw new Error(`something already listens on ${RPC_URL}: stop it first`);
    const { hostname, port } = new URL(RPC_URL);
    const log = openSync(path.join(STATE_DIR, "node.log"), "w");
    child = spawn(path.join(REPO, "node_modules/.bin/hardhat"), ["node", "--hostname", hostname, "--port", port], {
      cwd: REPO,
      env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    await until(() => answers(RPC_URL), child, "the node");
  }
  execFileSync(node, ["--import", "tsx", "dapp/scripts/deploy-local.ts"], {
    cwd: REPO,
    env: { ...env, ANNOTA_RPC_URL: RPC_URL },
    stdio: "inherit",
  });

  if (await relayerAnswers()) throw new Error(`something already listens on ${RELAYER_URL}: stop it first`);
  const db = path.join(STATE_DIR, "relayer.sqlite");
  for (const file of [db, `${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });
  const relayerLog = openSync(path.join(STATE_DIR, "relayer.log"), "w");
  // The relayer's own Node 22 (node:sqlite) from the repository's root, as `npm run dapp` runs it.
  const relayer = spawn(
    node,
    [
      "--import",
      "tsx",
      "relayer/main.ts",
      ...["--book", BOOK, "--rpc", RPC_URL, "--port", new URL(RELAYER_URL).port, "--db", db],
      ...["--batch-size", "1", "--max-wait", "1"],
    ],
    {
      cwd: REPO,
      env: { ...env, ANNOTA_RELAYER_KEY: account(ROLE.relayer).privateKey },
      detached: true,
      stdio: ["ignore", relayerLog, relayerLog],
    },
  );
  const stop = () => {
    if (relayer.pid) process.kill(-relayer.pid, "SIGTERM");
    if (child?.pid) process.kill(-child.pid, "SIGTERM");
  };
  try {
    await until(relayerAnswers, relayer, "the relayer");
  } catch (error) {
    stop();
    throw error;
  }
  const work = mkdtempSync(path.join(tmpdir(), "annota-dapp-indexer-"));
  process.env.ANNOTA_PGLITE_DIR = path.join(work, "pglite");
  // A previous run's log and pid file (never signalled: its pid may be another process's by now).
  for (const file of ["indexer.log", "indexer.pid"]) rmSync(path.join(STATE_DIR, file), { force: true });
  const teardown = async () => {
    await stopIndexer();
    rmSync(work, { recursive: true, force: true });
    stop();
  };
  try {
    await startIndexer();
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

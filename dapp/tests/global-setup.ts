import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { openSync } from "node:fs";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { REPO, RPC_URL, STATE_DIR } from "./env.js";

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

/**
 * Starts a Hardhat node on RPC_URL's port (its own process group, stopped by the returned teardown)
 * and deploys Annota to it (dapp/scripts/deploy-local.ts). ANNOTA_REUSE_NODE=1 uses a node already
 * listening there instead (its deployment is redone).
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
    for (let i = 0; !(await answers(RPC_URL)); i++) {
      if (i > 120 || child.exitCode !== null) throw new Error(`the node did not start (see ${STATE_DIR}/node.log)`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  execFileSync(node, ["--import", "tsx", "dapp/scripts/deploy-local.ts"], {
    cwd: REPO,
    env: { ...env, ANNOTA_RPC_URL: RPC_URL },
    stdio: "inherit",
  });
  return () => {
    if (child?.pid) process.kill(-child.pid, "SIGTERM");
  };
}

import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { SEAT_LOCK, SEAT_LOCK_1 } from "../ignition/defaults.js";
import { LABEL, deployProtocol, type Protocol } from "./helpers/fixtures.js";
import { cliRunner, useScratchDeployments } from "./helpers/cli.js";
import { addressBookOf } from "./helpers/sdk.js";

// The CLI's tasks act on the shared connection of the selected network: use the same one here.
const connection = await network.getOrCreate();
const { ethers } = connection;

/** Court tiers through the CLI: `create-task --tier`, the tier in task views, `sync-court-version --tier`. */
describe("CLI: court tiers", function () {
  let store: string;
  let p: Protocol;
  let requester: string;
  const { annota, failure } = cliRunner(hre, () => store);
  const scratch = useScratchDeployments("annota-cli-tiers-");

  before(async function () {
    store = path.join(scratch.dir, "store");
    // Tiers 0 and 1: tier 1's version (2) pays 25 LABEL per seat, its bond floor 119 seats × 25 = 2,975.
    p = await deployProtocol(ethers, { seatLocks: [SEAT_LOCK, SEAT_LOCK_1] });
    const signers = await ethers.getSigners();
    requester = String(signers.findIndex((s) => s.address === p.requester.address));
    const book = await addressBookOf(p, connection.networkName);
    writeFileSync(path.join(scratch.dir, `${connection.networkName}.json`), JSON.stringify(book));
  });

  it("creates tasks in the default and a chosen tier, and shows the tier in task views", async function () {
    const base = { specUri: "ipfs://spec", reward: "100", account: requester };
    const low = await annota("create-task", base);
    expect(low.output).to.contain("court tier 0");
    const high = await annota("create-task", { ...base, tier: "1" });
    expect(high.output).to.contain("bond 3075 LABEL"); // court bond 2,975 + value bond 100
    expect(high.output).to.contain("court tier 1");
    const highId = high.result.taskId as bigint;
    expect((await p.escrow.getTask(highId)).tier).to.equal(1n);

    const status = await annota("status", { kind: "task", id: String(highId) });
    expect(status.output).to.contain("court tier       1 (court version 2)");
    const tasks = await annota("tasks");
    expect(tasks.output).to.match(new RegExp(`Task ${low.result.taskId as bigint} .*, tier 0, `));
    expect(tasks.output).to.match(new RegExp(`Task ${highId} .*, tier 1, `));
  });

  it("refuses a tier below the payment token's bands, and a malformed tier, in words", async function () {
    // Rewards of 50 LABEL and more need tier 1 or higher.
    await p.escrow.connect(p.admin).setTierBands(await p.token.getAddress(), LABEL(50), 0n);
    const below = await failure("create-task", {
      specUri: "ipfs://spec",
      reward: "100",
      tier: "0",
      account: requester,
    });
    expect(below.message).to.contain("needs court tier 1 or higher, not 0");
    const chosen = await annota("create-task", { specUri: "ipfs://spec", reward: "100", account: requester });
    expect(chosen.output).to.contain("court tier 1"); // the least the bands allow
    const malformed = await failure("create-task", { specUri: "ipfs://spec", reward: "1", tier: "high" });
    expect(malformed.message).to.contain('--tier must be a court tier (0, 1, ...), got "high"');
  });

  it("syncs a tier's court version", async function () {
    expect((await annota("sync-court-version", { tier: "1" })).output).to.contain(
      "New tasks of court tier 1 already record court version 2",
    );
    expect((await failure("sync-court-version", { tier: "-1" })).message).to.contain("--tier must be a court tier");
  });
});

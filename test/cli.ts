import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { deployAnnota } from "../scripts/lib/deploy.js";
import { parseLabel } from "../sdk/units.js";

// The CLI's tasks act on the shared connection of the selected network: use the same one here.
const connection = await network.getOrCreate();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** Runs `annota <name>` with `args`, returning what it printed and what it returned. */
async function annota(name: string, args: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(" "));
  try {
    const result = await hre.tasks.getTask(["annota", name]).run(args);
    return { output: lines.join("\n"), result: result as Record<string, unknown> };
  } finally {
    console.log = original;
  }
}

async function failure(name: string, args: Record<string, unknown>) {
  try {
    await annota(name, args);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`annota ${name} did not fail`);
}

describe("CLI (annota tasks)", function () {
  let dir: string;
  let previous: string | undefined;

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "annota-cli-"));
    previous = process.env.ANNOTA_DEPLOYMENTS_DIR;
    process.env.ANNOTA_DEPLOYMENTS_DIR = dir;
    await deployAnnota(connection, { outDir: dir });
    // Account 0 deployed and holds the LABEL supply; hand some to the other roles.
    const [deployer, ...others] = await ethers.getSigners();
    const token = await ethers.getContractAt(
      "LabelToken",
      (await import(path.join(dir, `${connection.networkName}.json`), { with: { type: "json" } })).default.contracts
        .LabelToken.address,
      deployer,
    );
    for (const s of others.slice(0, 6)) await (await token.transfer(s.address, parseLabel(5_000))).wait();
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.ANNOTA_DEPLOYMENTS_DIR;
    else process.env.ANNOTA_DEPLOYMENTS_DIR = previous;
  });

  it("runs a task from creation to payout, printing amounts in LABEL, tx hashes and gas", async function () {
    const created = await annota("create-task", {
      reward: "40",
      slots: "2",
      bond: "15",
      days: "3",
      challengePeriod: "2",
      specUri: "ipfs://spec",
      specHash: "",
      paymentToken: "",
      allowlist: "",
      account: "1",
    });
    expect(created.output).to.match(/Created task 1, budget 82 LABEL locked/);
    expect(created.output).to.match(/tx {4}0x[0-9a-f]{64}/);
    expect(created.output).to.match(/gas used [\d,]+/);

    const status = await annota("status", { kind: "task", id: "1" });
    expect(status.output).to.contain("reward           40.0 per slot (+ fee 1.0, 2.5 %)");
    expect(status.output).to.contain("slots            2 (accepted 0, pending or challenged 0)");
    expect(status.output).to.contain("challenge period 2 h");

    const good = await annota("submit", {
      taskId: "1",
      resultUri: "ipfs://good",
      resultHash: "",
      allowlist: "",
      account: "2",
    });
    expect(good.output).to.contain("submission 4294967297");
    const bad = await annota("submit", {
      taskId: "1",
      resultUri: "ipfs://bad",
      resultHash: "",
      allowlist: "",
      account: "3",
    });
    await annota("accept", { submission: "4294967297", account: "1" });
    const challenged = await annota("challenge", { submission: "4294967298", reason: "garbage", account: "4" });
    expect(challenged.output).to.contain("poll 1 decides it");
    expect(bad.result.submissionId).to.equal(4294967298n);

    await annota("stake", { amount: "1500", account: "5" });
    await annota("stake", { amount: "1500", account: "6" });
    const committed = await annota("commit", { poll: "1", choice: "reject", weight: "1200", account: "5" });
    expect(committed.output).to.contain("Committed a hidden vote of 1200 LABEL in poll 1");
    await annota("commit", { poll: "1", choice: "accept", weight: "100", account: "6" });
    const poll = await annota("status", { kind: "poll", id: "1" });
    expect(poll.output).to.contain("outcome          None");
    await time.increaseTo((poll.result as { commitEnd: bigint }).commitEnd);
    const revealed = await annota("reveal", { poll: "1", account: "5" });
    expect(revealed.output).to.contain("Revealed reject in poll 1");
    await annota("reveal", { poll: "1", account: "6" });
    await time.increaseTo((poll.result as { revealEnd: bigint }).revealEnd);

    const finalized = await annota("finalize-many", { submissions: ["4294967298", "4294967297"] });
    // 4294967297 was accepted early: only the challenged one is finalized now.
    expect(finalized.output).to.contain("Finalized 1 of 2 submission(s)");
    const sub2 = await annota("status", { kind: "submission", id: "4294967298" });
    expect(sub2.output).to.contain("status           Rejected");
    await annota("settle", { poll: "1", voter: "", account: "5" });
    const settledOther = await annota("settle-many", { poll: "1", voters: [(await ethers.getSigners())[6]!.address] });
    expect(settledOther.output).to.contain("Settled a batch of 1 vote(s) in poll 1");
    const challengerCredit = await annota("status", { kind: "account", id: (await ethers.getSigners())[4]!.address });
    expect(challengerCredit.output).to.contain("claimable        25.5 LABEL"); // 15 + (15 - 4.5)
    const paid = await annota("withdraw-for", { accounts: [(await ethers.getSigners())[4]!.address], token: "" });
    expect(paid.output).to.contain("Paid out 1 account(s)");

    const account = await annota("status", { kind: "account", id: (await ethers.getSigners())[2]!.address });
    expect(account.output).to.contain("claimable        55 LABEL");
    expect(account.output).to.contain("submissions      1 (accepted 1, rejected 0)");
    const withdrawn = await annota("withdraw", { token: "", account: "2" });
    expect(withdrawn.output).to.contain("Withdrew 55 LABEL");
    const sub = await annota("status", { kind: "submission", id: "4294967298" });
    expect(sub.output).to.contain("status           Rejected");

    const unstaked = await annota("unstake", { amount: "100", account: "5" });
    expect(unstaked.output).to.contain("Unbonding 100 LABEL until");
    await time.increase(7 * 86_400);
    const out = await annota("withdraw-unstaked", { account: "5" });
    expect(out.output).to.contain("Withdrew 100 LABEL of unbonded stake");

    // After the deadline the requester takes back the slot freed by the rejection.
    const reclaimed = await annota("reclaim", { taskId: "1", account: "1" });
    expect(reclaimed.output).to.contain("Reclaimed the budget of free slots of task 1");
  });

  it("builds an allowlist from a file and submits with the labeler's proof", async function () {
    const signers = await ethers.getSigners();
    const file = path.join(dir, "experts.txt");
    writeFileSync(file, `# radiologists\n${signers[2]!.address}\n${signers[3]!.address}\n`);
    const list = await annota("allowlist", { file });
    expect(list.output).to.match(/Merkle root 0x[0-9a-f]{64} \(2 labelers\)/);
    const created = await annota("create-task", {
      reward: "10",
      slots: "1",
      bond: "10",
      days: "3",
      challengePeriod: "1",
      specUri: "ipfs://expert",
      specHash: "",
      paymentToken: "",
      allowlist: file,
      account: "1",
    });
    const taskId = String(created.result.taskId);
    const task = (await annota("status", { kind: "task", id: taskId })).result as { labelerRoot: string };
    expect(task.labelerRoot).to.equal((list.result as { root: string }).root);
    const submitted = await annota("submit", {
      taskId,
      resultUri: "ipfs://x",
      resultHash: "",
      allowlist: file,
      account: "3",
    });
    expect(submitted.output).to.contain(`Submitted to task ${taskId}`);
    const refused = await failure("submit", {
      taskId,
      resultUri: "ipfs://x",
      resultHash: "",
      allowlist: file,
      account: "4",
    });
    expect(refused.message).to.contain("is not on the allowlist");
  });

  it("cancels a task that never had a submission", async function () {
    const created = await annota("create-task", {
      reward: "5",
      slots: "1",
      bond: "10",
      days: "1",
      challengePeriod: "1",
      specUri: "ipfs://c",
      specHash: "",
      paymentToken: "",
      allowlist: "",
      account: "1",
    });
    const taskId = String(created.result.taskId);
    const cancelled = await annota("cancel", { taskId, account: "1" });
    expect(cancelled.output).to.contain(`Cancelled task ${taskId}; its budget was refunded`);
  });

  it("fails with one clear line for bad input, unknown ids and missing deployments", async function () {
    const cases: [string, Record<string, unknown>, string][] = [
      ["status", { kind: "task", id: "99" }, "TaskEscrowUnknownTask(99)"],
      ["status", { kind: "submission", id: "12345" }, "TaskEscrowUnknownSubmission(12345)"],
      ["status", { kind: "poll", id: "77" }, "QualityVoteUnknownPoll(77)"],
      ["status", { kind: "planet", id: "1" }, 'unknown status kind "planet"'],
      ["status", { kind: "account", id: "0x12" }, 'account is not an address: "0x12"'],
      ["stake", { amount: "12.5.3" }, 'malformed amount "12.5.3"'],
      ["stake", { amount: "10", account: "99" }, "--account must be an index from 0 to"],
      ["commit", { poll: "1", choice: "perhaps", weight: "10" }, 'choice must be "accept" or "reject"'],
      ["accept", { submission: "4294967297", account: "3" }, "TaskEscrowNotRequester"],
      [
        "create-task",
        {
          reward: "",
          slots: "1",
          bond: "10",
          days: "1",
          challengePeriod: "1",
          specUri: "u",
          specHash: "",
          paymentToken: "",
          allowlist: "",
        },
        "--reward is required",
      ],
      [
        "create-task",
        {
          reward: "1",
          slots: "0",
          bond: "10",
          days: "1",
          challengePeriod: "1",
          specUri: "u",
          specHash: "",
          paymentToken: "",
          allowlist: "",
        },
        "--slots must be a positive number",
      ],
      ["allowlist", { file: path.join(dir, "missing.txt") }, "cannot read allowlist file"],
    ];
    for (const [name, args, text] of cases) {
      const error = await failure(name, args);
      expect(error.message, name).to.contain(text);
      expect(error.name, name).to.equal("HardhatPluginError");
    }
    process.env.ANNOTA_DEPLOYMENTS_DIR = path.join(dir, "nowhere");
    const missing = await failure("status", { kind: "task", id: "1" });
    expect(missing.message).to.contain(`no Annota deployment for network "${connection.networkName}"`);
    expect(missing.message).to.contain("npm run deploy -- --network");
    process.env.ANNOTA_DEPLOYMENTS_DIR = dir;
  });
});

import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { cliRunner, useScratchDeployments } from "./helpers/cli.js";
import { DAY } from "./helpers/escrow.js";
import { deployProtocol, type Protocol } from "./helpers/fixtures.js";
import { GOOD_LABELS, SPEC_FIELDS, addressBookOf } from "./helpers/sdk.js";
import { fundedRelayerWallet, startTestRelayer } from "./helpers/testRelayer.js";

// The CLI's tasks act on the shared connection of the selected network: use the same one here.
const connection = await network.getOrCreate();
const { ethers, networkHelpers } = connection;

/**
 * A labeler who sends no transaction per submission, through the CLI alone (README, "CLI"):
 * `annota bonds --deposit` once, `annota submit --labels --relay URL` (a signature; the relayer,
 * running in this process on a loopback port, posts it), then `bonds --request-withdrawal` and
 * `--withdraw` once its item is paid out.
 */
describe("CLI: relayed submissions (annota bonds, submit --relay)", function () {
  let dir: string;
  let p: Protocol;
  let url: string;
  let stop: () => Promise<void>;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;
  const { annota, failure } = cliRunner(hre, () => path.join(dir, "store"));
  const indexOf = (address: string) => String(signers.findIndex((s) => s.address === address));

  const scratch = useScratchDeployments("annota-cli-relay-");

  before(async function () {
    dir = scratch.dir;
    p = await deployProtocol(ethers);
    signers = await ethers.getSigners();
    writeFileSync(
      path.join(dir, `${connection.networkName}.json`),
      JSON.stringify(await addressBookOf(p, connection.networkName)),
    );
    writeFileSync(path.join(dir, "spec.json"), JSON.stringify(SPEC_FIELDS));
    writeFileSync(path.join(dir, "labels.json"), JSON.stringify(GOOD_LABELS));
    const wallet = await fundedRelayerWallet(ethers.provider, networkHelpers.setBalance);
    const contracts = { escrow: await p.escrow.getAddress(), token: await p.token.getAddress() };
    const relayer = await startTestRelayer(wallet, contracts, {
      database: path.join(dir, "relayer.sqlite"),
      poster: { maxItems: 1, maxWaitMs: 0, pollMs: 20, bumpAfterMs: 60_000 },
      loop: true,
    });
    url = relayer.url;
    stop = relayer.close;
  });

  after(async function () {
    await stop();
  });

  it("deposits a bond balance, submits by signature through the relayer, and withdraws the balance after the payout", async function () {
    const labeler = indexOf(p.labelers[0]!.address);
    const created = await annota("create-task", {
      spec: path.join(dir, "spec.json"),
      reward: "100",
      slots: "2",
      days: "30",
      challengePeriod: "24",
      account: indexOf(p.requester.address),
    });
    expect(created.output).to.contain("Created task 1");
    const bond = (await p.escrow.getTask(1n)).bond + (await p.escrow.getTask(1n)).valueBond;
    // Without a balance the relayer refuses the item, naming what to do.
    const refused = await failure("submit", {
      taskId: "1",
      labels: path.join(dir, "labels.json"),
      relay: url,
      account: labeler,
    });
    expect(refused.message).to.match(/free bond balance in 0x[0-9a-fA-F]{40} is 0: .* \(deposit with depositBonds\)/);
    expect((await annota("bonds", { account: labeler })).output).to.equal(
      "Bond balance: 0 LABEL free, 0 LABEL locked by relayed items",
    );
    const deposited = await annota("bonds", { deposit: ethers.formatEther(bond), account: labeler });
    expect(deposited.output).to.contain(
      `Deposited ${ethers.formatEther(bond).replace(/\.0$/, "")} LABEL into the bond balance`,
    );
    const before = await ethers.provider.getTransactionCount(p.labelers[0]!.address);
    const sent = await annota("submit", {
      taskId: "1",
      labels: path.join(dir, "labels.json"),
      relay: url,
      account: labeler,
    });
    expect(sent.output).to.match(
      /Signed submission to task 1 for the relayer http:\/\/127\.0\.0\.1:\d+: item 0x[0-9a-f]{64}, queued/,
    );
    expect(sent.output).to.match(
      /landed as submission 4294967297 in transaction 0x[0-9a-f]{64} \(gas paid by the relayer\)/,
    );
    // The labeler sent no transaction to submit.
    expect(await ethers.provider.getTransactionCount(p.labelers[0]!.address)).to.equal(before);
    expect((await annota("bonds", { account: labeler })).output).to.match(/0 LABEL free, [\d.]+ LABEL locked/);
    // The relayer pays the item out after the window; the labeler asks for its balance and takes it a day later.
    await networkHelpers.time.increase(Number(DAY)); // the task's challenge period (--challenge-period 24)
    const requested = await annota("bonds", { requestWithdrawal: true, account: labeler });
    expect(requested.output).to.match(/withdrawable from \d{4}-/);
    await networkHelpers.time.increase(Number(DAY));
    const withdrawn = await annota("bonds", { withdraw: "all", account: labeler });
    expect(withdrawn.output).to.contain(
      `Withdrew ${ethers.formatEther(bond).replace(/\.0$/, "")} LABEL of the bond balance`,
    );
    expect(withdrawn.output).to.contain("Bond balance: 0 LABEL free, 0 LABEL locked by relayed items");
  });
});

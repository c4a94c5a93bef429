import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { RELAYED_ITEM_GAS, relayFeeProposal } from "../sdk/index.js";
import { LABEL, deployProtocol, type Protocol } from "./helpers/fixtures.js";
import { cliRunner, useScratchDeployments } from "./helpers/cli.js";
import { addressBookOf } from "./helpers/sdk.js";

// The CLI's tasks act on the shared connection of the selected network: use the same one here.
const connection = await network.getOrCreate();
const { ethers } = connection;

/** The relay fee through the SDK and the CLI (docs/relay-design.md, section 9). */
describe("CLI and SDK: the relay fee", function () {
  let store: string;
  let p: Protocol;
  let requester: string;
  const { annota, failure } = cliRunner(hre, () => store);
  const scratch = useScratchDeployments("annota-relay-fee-");

  before(async function () {
    store = path.join(scratch.dir, "store");
    p = await deployProtocol(ethers);
    const signers = await ethers.getSigners();
    requester = String(signers.findIndex((s) => s.address === p.requester.address));
    const book = await addressBookOf(p, connection.networkName);
    writeFileSync(path.join(scratch.dir, `${connection.networkName}.json`), JSON.stringify(book));
  });

  it("the SDK proposes 30,000 x gasPrice x 1.5 at the requester's price, rounded up", function () {
    expect(RELAYED_ITEM_GAS).to.equal(30_000n);
    // 1 gwei, 3,000 tokens of 18 decimals per ETH: 45,000 gwei = 4.5e-5 ETH = 0.135 tokens.
    expect(relayFeeProposal(10n ** 9n, LABEL(3_000))).to.equal(135n * 10n ** 15n);
    // 0.01 gwei on an L2, a 6-decimal dollar at 3,000 per ETH: 0.00135 dollars, 1,350 base units.
    expect(relayFeeProposal(10n ** 7n, 3_000_000_000n)).to.equal(1_350n);
    // Rounded up: the relayer is never short of a base unit.
    expect(relayFeeProposal(1n, 1n)).to.equal(1n);
  });

  it("create-task --relay-fee funds and records the fee; auto:PRICE takes the SDK's proposal", async function () {
    const base = { reward: "100", slots: "2", specUri: "ipfs://spec", account: requester };
    const given = await annota("create-task", { ...base, relayFee: "2" });
    // Two slots of 100 + the 2.5 % fee + the relay fee 2.
    expect(given.output).to.contain("Created task 1: budget 209 LABEL locked");
    expect(given.output).to.contain("relay fee 2 per accepted submission");
    expect((await p.escrow.getTask(1n)).relayFee).to.equal(LABEL(2));

    // Read in the same pending block as the CLI's own read.
    const { gasPrice } = await ethers.provider.getFeeData();
    await annota("create-task", { ...base, relayFee: "auto:3000" });
    const proposed = relayFeeProposal(gasPrice!, LABEL(3_000));
    expect(proposed).to.be.greaterThan(0n);
    expect((await p.escrow.getTask(2n)).relayFee).to.equal(proposed);

    const none = await annota("create-task", base);
    expect(none.output).to.not.contain("relay fee");
    expect((await p.escrow.getTask(3n)).relayFee).to.equal(0n);
  });

  it("a relay fee above the reward is refused before any transaction", async function () {
    const error = await failure("create-task", {
      reward: "1",
      specUri: "ipfs://spec",
      relayFee: "1.5",
      account: requester,
    });
    expect(error.message).to.contain(`the relay fee (${LABEL(1.5)}) exceeds the reward (${LABEL(1)})`);
  });
});

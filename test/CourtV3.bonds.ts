import { expect } from "chai";
import { network } from "hardhat";

import { MockERC20__factory } from "../typechain-types/index.js";
import { RESULT, URI, VALUE_BOND, budgetOf, escrowFixtures, taskParams } from "./helpers/escrow.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const helpers = { time, mine: networkHelpers.mine };
const { deployEscrow } = escrowFixtures(ethers, helpers);

/** WIP: the two-part bonds (docs/court-v3-design.md, step 8). */
describe("CourtV3 bonds (WIP)", function () {
  async function twoTasks() {
    const p = await deployEscrow();
    const usd = await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC");
    await usd.mint(p.requester.address, budgetOf(10n));
    await usd.connect(p.requester).approve(await p.escrow.getAddress(), ethers.MaxUint256);
    await p.escrow.connect(p.admin).setPaymentToken(await usd.getAddress(), true);
    await p.escrow.connect(p.requester).createTask(await taskParams(p, await time.latest(), { slots: 4n })); // 1: LABEL
    await p.escrow
      .connect(p.requester)
      .createTask(await taskParams(p, await time.latest(), { paymentToken: await usd.getAddress(), slots: 4n })); // 2: USD
    const labeler = p.labelers[0];
    await usd.mint(labeler.address, 10n * VALUE_BOND);
    await usd.connect(labeler).approve(await p.escrow.getAddress(), ethers.MaxUint256);
    return { ...p, usd, labeler };
  }

  it("measures a returning labeler's submit: the value bond in another payment token is one more pull", async function () {
    const { escrow, labeler } = await loadFixture(twoTasks);
    // Warm-up: the labeler's account record exists for both measurements.
    await escrow.connect(labeler).submit(1n, RESULT, URI, []);
    await escrow.connect(labeler).submit(2n, RESULT, URI, []);
    const label = await (await escrow.connect(labeler).submit(1n, RESULT, URI, [])).wait();
    const usd = await (await escrow.connect(labeler).submit(2n, RESULT, URI, [])).wait();
    console.log(
      `      submit, LABEL task: ${label!.gasUsed}; USD task: ${usd!.gasUsed}; difference ${usd!.gasUsed - label!.gasUsed}`,
    );
    expect(usd!.gasUsed > label!.gasUsed).to.equal(true);
  });
});

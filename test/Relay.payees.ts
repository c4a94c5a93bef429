import { expect } from "chai";
import { network } from "hardhat";

import {
  BlocklistToken__factory,
  ReentrantToken__factory,
  type BlocklistToken,
  type ReentrantToken,
} from "../typechain-types/index.js";
import { LABEL } from "./helpers/fixtures.js";
import { CHALLENGE_PERIOD, FEE, REWARD, taskParams } from "./helpers/escrow.js";
import { groupOf, relayedItemsOf, signedItem } from "./helpers/relay.js";
import { relayFixtures, type RelayScenario } from "./helpers/relayFixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const { relayFixture } = relayFixtures(ethers, { time, mine });

const RELAY_FEE = LABEL(7);

/**
 * Task 2, paid in `token` (a test token the escrow allows) with a relay fee, and a batch of three
 * items of the labelers that the relayer sponsors: it holds both bonds, so the labelers need none of
 * the token.
 */
async function tokenBatch(f: RelayScenario, token: BlocklistToken | ReentrantToken) {
  const address = await token.getAddress();
  await f.escrow.connect(f.admin).setPaymentToken(address, true);
  for (const who of [f.requester, f.relayer]) {
    await token.mint(who.address, LABEL(1_000_000));
    await token.connect(who).approve(f.ctx.escrow, ethers.MaxUint256);
  }
  await f.escrow
    .connect(f.requester)
    .createTask(await taskParams(f, await time.latest(), { paymentToken: address, slots: 10n, relayFee: RELAY_FEE }));
  const task = await f.escrow.getTask(2n);
  await f.desk.connect(f.relayer).depositBonds(await f.token.getAddress(), 3n * task.bond);
  await f.desk.connect(f.relayer).depositBonds(address, 3n * task.valueBond);
  const items = [];
  for (const [i, labeler] of f.labelers.entries()) {
    const o = { nonce: BigInt(i), deadline: f.itemDeadline, bound: f.relayer.address, sponsored: true };
    items.push((await signedItem(f.ctx, labeler, 2n, o)).item);
  }
  const receipt = await (await f.escrow.connect(f.relayer).relay([groupOf(2n, items)])).wait();
  const event = f.escrow.interface.parseLog(receipt!.logs.at(-1)!)!;
  const batch = relayedItemsOf(event.args as unknown as Parameters<typeof relayedItemsOf>[0]);
  const batchId = event.args.batchId as bigint;
  await time.setNextBlockTimestamp(batch.header.time + CHALLENGE_PERIOD);
  const payArgs = [batchId, batch.header, batch.labelers, 0n, 3n] as const;
  return { address, batchId, payArgs };
}

async function blocklistFixture() {
  const f = await relayFixture();
  const busd = await new BlocklistToken__factory(f.admin).deploy();
  return { ...f, busd, ...(await tokenBatch(f, busd)) };
}

async function reentrantFixture() {
  const f = await relayFixture();
  const ree = await new ReentrantToken__factory(f.admin).deploy();
  return { ...f, ree, ...(await tokenBatch(f, ree)) };
}

describe("Relay: payees of payBatch that cannot receive or that re-enter (docs/relay-design.md, section 8)", function () {
  it("R-A20: payBatch credits a labeler and a relayer that cannot receive (PayoutCredited) and pays the others", async function () {
    const f = await loadFixture(blocklistFixture);
    await f.busd.setBlocked(f.labelers[0].address, true);
    await f.busd.setBlocked(f.relayer.address, true);
    const tx = f.desk.connect(f.challenger).payBatch(...f.payArgs);
    await expect(tx)
      .to.emit(f.escrow, "PayoutCredited")
      .withArgs(f.address, f.labelers[0].address, REWARD)
      .and.to.emit(f.escrow, "PayoutCredited")
      .withArgs(f.address, f.relayer.address, 3n * RELAY_FEE)
      .and.to.emit(f.escrow, "BatchPaid")
      .withArgs(f.batchId, 0n, 3n, 3n);
    await expect(tx).to.changeTokenBalances(ethers, f.busd, [f.labelers[1], f.labelers[2]], [REWARD, REWARD]);
    expect(await f.escrow.claimable(f.address, f.labelers[0].address)).to.equal(REWARD);
    expect(await f.escrow.claimable(f.address, f.relayer.address)).to.equal(3n * RELAY_FEE);
    expect(await f.escrow.claimable(f.address, f.feeTreasury.address)).to.equal(3n * FEE);
    // Unblocked, each withdraws its credit.
    await f.busd.setBlocked(f.relayer.address, false);
    await expect(f.escrow.connect(f.relayer).withdraw(f.address)).to.changeTokenBalance(
      ethers,
      f.busd,
      f.relayer,
      3n * RELAY_FEE,
    );
  });

  it("a payment token's hook re-entering payBatch is refused by the guard, and every payee is paid once", async function () {
    const f = await loadFixture(reentrantFixture);
    const reenter = f.desk.interface.encodeFunctionData("payBatch", [...f.payArgs]);
    await f.ree.arm(f.ctx.escrow, reenter);
    const tx = f.desk.connect(f.challenger).payBatch(...f.payArgs);
    await expect(tx).to.changeTokenBalances(
      ethers,
      f.ree,
      [...f.labelers, f.relayer],
      [REWARD, REWARD, REWARD, 3n * RELAY_FEE],
    );
    expect(await f.ree.attacked(), "the hook fired").to.equal(true);
    expect(await f.ree.attackSucceeded()).to.equal(false);
    expect(await f.ree.attackResult()).to.equal(
      f.escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
    );
    const task = await f.escrow.getTask(2n);
    expect([task.held, task.accepted]).to.deep.equal([0n, 3n]);
  });
});

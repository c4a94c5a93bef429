import { expect } from "chai";
import { network } from "hardhat";

import { AcceptedBy, REJECT, ACCEPT, Status } from "./helpers/fixtures.js";
import { CHALLENGE_PERIOD, FEE, REASON, REWARD, runDispute } from "./helpers/escrow.js";
import { groupOf, relayedItemsOf, signedItem } from "./helpers/relay.js";
import { relayFixtures, type RelayScenario } from "./helpers/relayFixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { relayFixture } = relayFixtures(ethers, helpers);

/** Task 1 with a batch of three items (labelers 0, 1 and 2; the third sponsored by the relayer). */
async function batchFixture() {
  const f = await relayFixture();
  const token = await f.token.getAddress();
  await f.desk.connect(f.relayer).depositBonds(token, 2n * f.bond);
  const d = { deadline: f.itemDeadline };
  const items = [
    await signedItem(f.ctx, f.labelers[0], f.taskId, { ...d, nonce: 1n, bound: f.relayer.address }),
    await signedItem(f.ctx, f.labelers[1], f.taskId, { ...d, nonce: 2n, bound: f.relayer.address }),
    await signedItem(f.ctx, f.others[2], f.taskId, { ...d, nonce: 3n, bound: f.relayer.address, sponsored: true }),
  ];
  const receipt = await (
    await f.escrow.connect(f.relayer).relay([
      groupOf(
        f.taskId,
        items.map((x) => x.item),
      ),
    ])
  ).wait();
  const event = f.escrow.interface.parseLog(receipt!.logs.at(-1)!)!;
  const batch = relayedItemsOf(event.args as unknown as Parameters<typeof relayedItemsOf>[0]);
  return { ...f, batch, batchId: event.args.batchId as bigint, windowEnd: batch.header.time + CHALLENGE_PERIOD };
}

type Batch = Awaited<ReturnType<typeof batchFixture>>;

const pay = (f: Batch, from: number, to: number) =>
  f.desk.payBatch(f.batchId, f.batch.header, f.batch.labelers, from, to);

describe("Relay: payouts (docs/relay-design.md, section 8)", function () {
  it("payBatch pushes each reward from the window's end, not a second before, and credits the fee", async function () {
    const f = await loadFixture(batchFixture);
    await time.setNextBlockTimestamp(f.windowEnd - 1n);
    await expect(pay(f, 0, 3))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowChallengePeriodActive")
      .withArgs(f.batchId, f.windowEnd);
    const before = await Promise.all(
      [f.labelers[0], f.labelers[1], f.others[2]].map((a) => f.token.balanceOf(a.address)),
    );
    await time.setNextBlockTimestamp(f.windowEnd);
    await expect(pay(f, 0, 3))
      .to.emit(f.escrow, "BatchPaid")
      .withArgs(f.batchId, 0n, 3n, 3n);
    const after = await Promise.all(
      [f.labelers[0], f.labelers[1], f.others[2]].map((a) => f.token.balanceOf(a.address)),
    );
    expect(after.map((b, i) => b - before[i])).to.deep.equal([REWARD, REWARD, REWARD]);
    expect(await f.escrow.claimable(await f.token.getAddress(), f.feeTreasury.address)).to.equal(3n * FEE);
    const task = await f.escrow.getTask(f.taskId);
    expect([task.held, task.accepted]).to.deep.equal([0n, 3n]);
  });

  it("R-A18: overlapping ranges, claimRelayed and acceptRelayed pay each item once", async function () {
    const f = await loadFixture(batchFixture);
    await f.desk.connect(f.requester).acceptRelayed(f.batch.items[1]);
    await expect(f.desk.connect(f.requester).acceptRelayed(f.batch.items[1]))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowAlreadySettled")
      .withArgs(f.batchId + 1n);
    await time.setNextBlockTimestamp(f.windowEnd);
    await expect(pay(f, 0, 2))
      .to.emit(f.escrow, "BatchPaid")
      .withArgs(f.batchId, 0n, 2n, 1n);
    await expect(pay(f, 1, 3))
      .to.emit(f.escrow, "BatchPaid")
      .withArgs(f.batchId, 1n, 3n, 1n);
    await expect(pay(f, 0, 3))
      .to.emit(f.escrow, "BatchPaid")
      .withArgs(f.batchId, 0n, 3n, 0n);
    await expect(f.desk.claimRelayed(f.batch.items[0])).to.be.revertedWithCustomError(
      f.escrow,
      "TaskEscrowAlreadySettled",
    );
    const task = await f.escrow.getTask(f.taskId);
    expect([task.held, task.accepted]).to.deep.equal([0n, 3n]);
  });

  it("R-A2: a forged header, labeler list, range or proof is refused", async function () {
    const f = await loadFixture(batchFixture);
    await time.setNextBlockTimestamp(f.windowEnd);
    await mine();
    const forged = { ...f.batch.header, count: 4n };
    await expect(f.desk.payBatch(f.batchId, forged, f.batch.labelers, 0, 3))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowBadBatchHeader")
      .withArgs(f.batchId);
    const swapped = ethers.concat([f.requester.address, ethers.dataSlice(f.batch.labelers, 20)]);
    await expect(f.desk.payBatch(f.batchId, f.batch.header, swapped, 0, 3))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowLabelersMismatch")
      .withArgs(f.batchId);
    await expect(pay(f, 2, 4))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowInvalidRange")
      .withArgs(2n, 4n, 3n);
    await expect(pay(f, 2, 2)).to.be.revertedWithCustomError(f.escrow, "TaskEscrowInvalidRange");
    await expect(f.desk.payBatch(f.batchId + 1n, f.batch.header, f.batch.labelers, 0, 3))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowUnknownBatch")
      .withArgs(f.batchId + 1n);
    const stolen = { ...f.batch.items[0], labeler: f.requester.address };
    await expect(f.desk.claimRelayed(stolen)).to.be.revertedWithCustomError(f.escrow, "TaskEscrowBadItemProof");
    const beyond = { ...f.batch.items[0], index: 3n };
    await expect(f.desk.claimRelayed(beyond)).to.be.revertedWithCustomError(f.escrow, "TaskEscrowBadItemProof");
  });

  it("claimRelayed pays one item from its window's end; acceptRelayed is the requester's, frees its bonds at once", async function () {
    const f = await loadFixture(batchFixture);
    const token = await f.token.getAddress();
    await expect(f.desk.connect(f.others[1]).acceptRelayed(f.batch.items[0]))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowNotRequester")
      .withArgs(f.taskId, f.others[1].address);
    await expect(f.desk.connect(f.requester).acceptRelayed(f.batch.items[0]))
      .to.emit(f.escrow, "SubmissionAccepted")
      .withArgs(f.batchId, f.labelers[0].address, AcceptedBy.Requester, REWARD, FEE);
    expect((await f.desk.bondLedger(f.labelers[0].address, token)).free).to.equal(3n * f.bond);
    // The sponsored item's bonds go back to the sponsor's free balance.
    await f.desk.connect(f.requester).acceptRelayed(f.batch.items[2]);
    expect((await f.desk.bondLedger(f.relayer.address, token)).free).to.equal(2n * f.bond);
    await time.setNextBlockTimestamp(f.windowEnd - 1n);
    await expect(f.desk.claimRelayed(f.batch.items[1])).to.be.revertedWithCustomError(
      f.escrow,
      "TaskEscrowChallengePeriodActive",
    );
    await time.setNextBlockTimestamp(f.windowEnd);
    await expect(f.desk.claimRelayed(f.batch.items[1]))
      .to.emit(f.escrow, "SubmissionAccepted")
      .withArgs(f.batchId + 1n, f.labelers[1].address, AcceptedBy.Timeout, REWARD, FEE);
    expect(await f.escrow.claimable(token, f.labelers[1].address)).to.equal(REWARD);
  });

  describe("challenges of relayed items (the court's whole path)", function () {
    it("R-A12: challengeRelayed succeeds at the window's last second and reverts at its end; the labeler cannot", async function () {
      const f = await loadFixture(batchFixture);
      await expect(
        f.desk.connect(f.labelers[0]).challengeRelayed(f.batch.items[0], REASON),
      ).to.be.revertedWithCustomError(f.escrow, "TaskEscrowLabelerCannotChallenge");
      await time.setNextBlockTimestamp(f.windowEnd);
      await expect(f.desk.connect(f.challenger).challengeRelayed(f.batch.items[0], REASON))
        .to.be.revertedWithCustomError(f.escrow, "TaskEscrowChallengePeriodOver")
        .withArgs(f.batchId, f.windowEnd);
    });

    it("a rejected relayed item frees its slot, is never paid, and its labeler's locked bond goes to the challenger", async function () {
      const f = await loadFixture(batchFixture);
      const token = await f.token.getAddress();
      await time.setNextBlockTimestamp(f.windowEnd - 1n);
      await expect(f.desk.connect(f.challenger).challengeRelayed(f.batch.items[0], REASON))
        .to.emit(f.escrow, "RelayedSubmissionAdopted")
        .withArgs(f.batchId, f.labelers[0].address, f.relayer.address, false);
      const ledger = await f.desk.bondLedger(f.labelers[0].address, token);
      expect([ledger.free, ledger.locked]).to.deep.equal([2n * f.bond, 0n]);
      const sub = await f.escrow.getSubmission(f.batchId);
      expect([sub.labeler, sub.status]).to.deep.equal([f.labelers[0].address, Status.Challenged]);
      await runDispute(ethers, helpers, f.court, sub.disputeId, [REJECT]);
      await f.escrow.finalize(f.batchId);
      expect((await f.escrow.getSubmission(f.batchId)).status).to.equal(Status.Rejected);
      await expect(pay(f, 0, 3))
        .to.emit(f.escrow, "BatchPaid")
        .withArgs(f.batchId, 0n, 3n, 2n);
      const task = await f.escrow.getTask(f.taskId);
      expect([task.held, task.accepted]).to.deep.equal([0n, 2n]);
      expect(await f.escrow.claimable(token, f.labelers[0].address)).to.equal(0n);
    });

    it("R-A19: a sponsored item's bonds come from and return to the sponsor; its reward goes to its labeler", async function () {
      const f = await loadFixture(batchFixture);
      const token = await f.token.getAddress();
      await f.desk.connect(f.challenger).challengeRelayed(f.batch.items[2], REASON);
      expect((await f.desk.bondLedger(f.relayer.address, token)).locked).to.equal(0n);
      const sub = await f.escrow.getSubmission(f.batchId + 2n);
      await runDispute(ethers, helpers, f.court, sub.disputeId, [ACCEPT]);
      const sponsorBefore = await f.escrow.claimable(token, f.relayer.address);
      await f.escrow.finalize(f.batchId + 2n);
      expect(await f.escrow.claimable(token, f.others[2].address)).to.equal(REWARD);
      // The sponsor gets its bond back and the challenger's, less round 0's cost and the burn.
      expect((await f.escrow.claimable(token, f.relayer.address)) - sponsorBefore).to.be.greaterThan(f.bond);
    });
  });
});

describe("Relay: payouts, edges", function () {
  it("an unknown selector reverts TaskEscrowUnknownFunction; acceptRelayed after the release day moves no bond", async function () {
    const f = await loadFixture(batchFixture);
    await expect(f.requester.sendTransaction({ to: f.ctx.escrow, data: "0x12345678" }))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowUnknownFunction")
      .withArgs("0x12345678");
    const releaseDay = (f.windowEnd + 86_399n) / 86_400n;
    await time.setNextBlockTimestamp(releaseDay * 86_400n);
    await f.desk.connect(f.requester).acceptRelayed(f.batch.items[0]);
    const ledger = await f.desk.bondLedger(f.labelers[0].address, await f.token.getAddress());
    expect([ledger.free, ledger.locked]).to.deep.equal([3n * f.bond, 0n]);
  });

  it("a sponsored item of a task paid in another token: both bonds leave the sponsor, both come back after an Accept ruling", async function () {
    const f = await loadFixture(relayFixture);
    const { MockERC20__factory } = await import("../typechain-types/index.js");
    const { taskParams } = await import("./helpers/escrow.js");
    const usd = await new MockERC20__factory(f.admin).deploy("USD Coin", "USDC");
    const usdAddress = await usd.getAddress();
    await f.escrow.connect(f.admin).setPaymentToken(usdAddress, true);
    for (const who of [f.requester, f.relayer, f.challenger]) {
      await usd.mint(who.address, REWARD * 1_000n);
      await usd.connect(who).approve(f.ctx.escrow, ethers.MaxUint256);
    }
    await f.escrow
      .connect(f.requester)
      .createTask(await taskParams(f, await time.latest(), { paymentToken: usdAddress, reward: REWARD }));
    const task = await f.escrow.getTask(2n);
    await f.desk.connect(f.relayer).depositBonds(await f.token.getAddress(), task.bond);
    await f.desk.connect(f.relayer).depositBonds(usdAddress, task.valueBond);
    const x = await signedItem(f.ctx, f.others[2], 2n, { nonce: 1n, deadline: f.itemDeadline, sponsored: true });
    const receipt = await (await f.escrow.connect(f.relayer).relay([groupOf(2n, [x.item])])).wait();
    const event = f.escrow.interface.parseLog(receipt!.logs.at(-1)!)!;
    const { items } = relayedItemsOf(event.args as unknown as Parameters<typeof relayedItemsOf>[0]);
    await f.desk.connect(f.challenger).challengeRelayed(items[0], REASON);
    expect((await f.desk.bondLedger(f.relayer.address, usdAddress)).locked).to.equal(0n);
    const sub = await f.escrow.getSubmission(items[0].batchId);
    await runDispute(ethers, helpers, f.court, sub.disputeId, [ACCEPT]);
    await f.escrow.finalize(items[0].batchId);
    expect(await f.escrow.claimable(usdAddress, f.others[2].address)).to.equal(REWARD);
    // The sponsor's own value bond back, plus the challenger's less the treasury's share.
    expect(await f.escrow.claimable(usdAddress, f.relayer.address)).to.be.greaterThan(task.valueBond);
  });
});

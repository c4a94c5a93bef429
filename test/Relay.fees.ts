import { expect } from "chai";
import { network } from "hardhat";

import { ACCEPT, AcceptedBy, LABEL, REJECT } from "./helpers/fixtures.js";
import { BOND, CHALLENGE_PERIOD, FEE, REASON, RESULT, REWARD, URI, runDispute, taskParams } from "./helpers/escrow.js";
import { SkipReason, groupOf, relayedItemsOf, signedItem } from "./helpers/relay.js";
import { relayFixtures, type RelayScenario } from "./helpers/relayFixtures.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { relayFixture } = relayFixtures(ethers, helpers);

/** Task 2's relay fee: an amount no other flow pays, so that every balance below tells it apart. */
const RELAY_FEE = LABEL(7);
/** What one slot of task 2 costs its requester (docs/relay-design.md, section 9). */
const PER_SLOT = REWARD + FEE + RELAY_FEE;

/** Relays one batch of `labelers`' items, bound to the fixture's relayer, on `taskId`; returns it. */
async function relayBatch(f: RelayScenario, taskId: bigint, sponsored = false) {
  const items = [];
  for (const [i, labeler] of f.labelers.entries()) {
    const o = { nonce: BigInt(i), deadline: f.itemDeadline, bound: f.relayer.address, sponsored };
    items.push((await signedItem(f.ctx, labeler, taskId, o)).item);
  }
  const receipt = await (await f.escrow.connect(f.relayer).relay([groupOf(taskId, items)])).wait();
  const event = f.escrow.interface.parseLog(receipt!.logs.at(-1)!)!;
  const batch = relayedItemsOf(event.args as unknown as Parameters<typeof relayedItemsOf>[0]);
  return { items, batch, batchId: event.args.batchId as bigint, windowEnd: batch.header.time + CHALLENGE_PERIOD };
}

/** Task 2: ten slots of the example task with a relay fee, and a batch of three items on it. */
async function feeFixture() {
  const f = await relayFixture();
  await f.escrow
    .connect(f.requester)
    .createTask(await taskParams(f, await time.latest(), { slots: 10n, relayFee: RELAY_FEE }));
  return { ...f, feeTask: 2n, ...(await relayBatch(f, 2n)) };
}

type Fees = Awaited<ReturnType<typeof feeFixture>>;

const payAll = (f: Fees, payer = f.challenger) =>
  f.desk.connect(payer).payBatch(f.batchId, f.batch.header, f.batch.labelers, 0, f.batch.items.length);
const owed = async (f: RelayScenario, who: { address: string }) =>
  f.escrow.claimable(await f.token.getAddress(), who.address);

describe("Relay: the relay fee (docs/relay-design.md, section 9)", function () {
  describe("at creation", function () {
    it("a relay fee equal to the reward is accepted and announced; reward + 1 is refused", async function () {
      const f = await loadFixture(relayFixture);
      const latest = await time.latest();
      await expect(f.escrow.connect(f.requester).createTask(await taskParams(f, latest, { relayFee: REWARD + 1n })))
        .to.be.revertedWithCustomError(f.escrow, "TaskEscrowInvalidRelayFee")
        .withArgs(REWARD + 1n, REWARD);
      await expect(f.escrow.connect(f.requester).createTask(await taskParams(f, latest, { relayFee: REWARD })))
        .to.emit(f.escrow, "TaskRelayFee")
        .withArgs(2n, REWARD);
      expect((await f.escrow.getTask(2n)).relayFee).to.equal(REWARD);
      // Task 1 has none: no event, and `getTask` reads 0.
      expect((await f.escrow.getTask(1n)).relayFee).to.equal(0n);
      await expect(f.escrow.connect(f.requester).createTask(await taskParams(f, latest))).not.to.emit(
        f.escrow,
        "TaskRelayFee",
      );
    });

    it("the budget is slots x (reward + fee + relay fee) to the wei: createTask, addSlots, reclaim", async function () {
      const f = await loadFixture(relayFixture);
      const params = await taskParams(f, await time.latest(), { slots: 3n, relayFee: RELAY_FEE });
      await expect(f.escrow.connect(f.requester).createTask(params)).to.changeTokenBalances(
        ethers,
        f.token,
        [f.requester, f.escrow],
        [-3n * PER_SLOT, 3n * PER_SLOT],
      );
      await expect(f.escrow.connect(f.requester).addSlots(2n, 2n))
        .to.emit(f.escrow, "SlotsAdded")
        .withArgs(2n, 2n, 5n, 2n * PER_SLOT);
      // One slot accepted (its relay fee paid to its direct labeler), four reclaimed with theirs.
      await f.escrow.connect(f.labelers[0]).submit(2n, RESULT, URI, []);
      await f.escrow.connect(f.requester).accept((2n << 32n) | 1n);
      await time.increaseTo(params.deadline as bigint);
      await expect(f.escrow.connect(f.requester).reclaim(2n)).to.changeTokenBalances(
        ethers,
        f.token,
        [f.requester, f.escrow],
        [4n * PER_SLOT, -4n * PER_SLOT],
      );
    });

    it("createTaskWithPermit's permit covers the relay fees at maxFeeBps", async function () {
      const f = await loadFixture(relayFixture);
      const params = await taskParams(f, await time.latest(), { slots: 3n, relayFee: RELAY_FEE });
      await f.token.connect(f.requester).approve(f.ctx.escrow, 0n);
      const permitted = 3n * (REWARD + (REWARD * (params.maxFeeBps as bigint)) / 10_000n + RELAY_FEE);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(f.token, f.requester, f.ctx.escrow, permitted, deadline);
      await expect(
        f.escrow.connect(f.requester).createTaskWithPermit(params, deadline, sig.v, sig.r, sig.s),
      ).to.changeTokenBalance(ethers, f.token, f.requester, -3n * PER_SLOT);
      expect(await f.token.allowance(f.requester.address, f.ctx.escrow)).to.equal(permitted - 3n * PER_SLOT);
    });
  });

  describe("paid to the batch's relayer", function () {
    it("RP: anyone pays a batch out and the fee still goes to its relayer, in one push, with no protocol fee on it", async function () {
      const f = await loadFixture(feeFixture);
      await time.setNextBlockTimestamp(f.windowEnd);
      const tx = payAll(f);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.token,
        [f.relayer, f.challenger, ...f.labelers],
        [3n * RELAY_FEE, 0n, REWARD, REWARD, REWARD],
      );
      // One transfer to the relayer for the three items.
      const receipt = await (await tx).wait();
      const transfers = receipt!.logs
        .map((log) => f.token.interface.parseLog(log))
        .filter((e) => e?.name === "Transfer" && e.args.to === f.relayer.address);
      expect(transfers.map((e) => e!.args.value)).to.deep.equal([3n * RELAY_FEE]);
      expect(await owed(f, f.feeTreasury)).to.equal(3n * FEE);
      // Paid once: a second payout of the range pays nobody.
      await expect(payAll(f)).to.changeTokenBalance(ethers, f.token, f.relayer, 0n);
    });

    it("RP: acceptRelayed pays the batch's relayer; claimRelayed too", async function () {
      const f = await loadFixture(feeFixture);
      await expect(f.desk.connect(f.requester).acceptRelayed(f.batch.items[0]))
        .to.emit(f.escrow, "SubmissionAccepted")
        .withArgs(f.batchId, f.labelers[0].address, AcceptedBy.Requester, REWARD, FEE);
      expect(await owed(f, f.relayer)).to.equal(RELAY_FEE);
      expect(await owed(f, f.labelers[0])).to.equal(REWARD);
      await time.setNextBlockTimestamp(f.windowEnd);
      await f.desk.connect(f.challenger).claimRelayed(f.batch.items[1]);
      expect(await owed(f, f.relayer)).to.equal(2n * RELAY_FEE);
      expect(await owed(f, f.challenger)).to.equal(0n);
    });

    it("RC: a rejected relayed item pays no relay fee, and its slot keeps the fee for the next occupant", async function () {
      const f = await loadFixture(feeFixture);
      await f.desk.connect(f.challenger).challengeRelayed(f.batch.items[0], REASON);
      const sub = await f.escrow.getSubmission(f.batchId);
      await runDispute(ethers, helpers, f.court, sub.disputeId, [REJECT]);
      const relayerBefore = await owed(f, f.relayer);
      await f.escrow.finalize(f.batchId);
      expect(await owed(f, f.relayer)).to.equal(relayerBefore);
      // The freed slot still holds a relay fee: all ten are reclaimed or paid in full at the end.
      const task = await f.escrow.getTask(f.feeTask);
      await time.increaseTo(task.deadline);
      await expect(f.escrow.connect(f.requester).reclaim(f.feeTask))
        .to.emit(f.escrow, "TaskReclaimed")
        .withArgs(f.feeTask, f.requester.address, 8n, 8n * PER_SLOT);
    });

    it("a relayed item accepted after a challenge pays its relayer, not its labeler", async function () {
      const f = await loadFixture(feeFixture);
      await f.desk.connect(f.challenger).challengeRelayed(f.batch.items[0], REASON);
      const sub = await f.escrow.getSubmission(f.batchId);
      await runDispute(ethers, helpers, f.court, sub.disputeId, [ACCEPT]);
      const labelerBefore = await owed(f, f.labelers[0]);
      const receipt = await (await f.escrow.finalize(f.batchId)).wait();
      expect(await owed(f, f.relayer)).to.equal(RELAY_FEE);
      // The labeler gets its reward and what the ruling gives it of the bonds: no relay fee.
      const resolved = receipt!.logs
        .map((log) => f.escrow.interface.parseLog(log))
        .find((e) => e?.name === "ChallengeResolved")!;
      expect((await owed(f, f.labelers[0])) - labelerBefore).to.equal(REWARD + resolved.args.toLabeler);
    });

    it("a sponsored relayed item accepted after a challenge pays its sponsor, the relayer, the bonds and the relay fee", async function () {
      const f = await loadFixture(relayFixture);
      await f.escrow
        .connect(f.requester)
        .createTask(await taskParams(f, await time.latest(), { slots: 10n, relayFee: RELAY_FEE }));
      await f.desk.connect(f.relayer).depositBonds(await f.token.getAddress(), 3n * f.bond);
      const b = await relayBatch(f, 2n, true);
      await f.desk.connect(f.challenger).challengeRelayed(b.batch.items[0], REASON);
      await runDispute(ethers, helpers, f.court, (await f.escrow.getSubmission(b.batchId)).disputeId, [ACCEPT]);
      const receipt = await (await f.escrow.finalize(b.batchId)).wait();
      const resolved = receipt!.logs
        .map((log) => f.escrow.interface.parseLog(log))
        .find((e) => e?.name === "ChallengeResolved")!;
      expect(await owed(f, f.relayer)).to.equal(resolved.args.toLabeler + RELAY_FEE);
      expect(await owed(f, f.labelers[0])).to.equal(REWARD);
    });

    it("a direct submission's labeler gets the relay fee with its reward", async function () {
      const f = await loadFixture(feeFixture);
      await f.escrow.connect(f.others[1]).submit(f.feeTask, RESULT, URI, []);
      const id = (f.feeTask << 32n) | 4n; // after the batch's three
      await f.escrow.connect(f.requester).accept(id);
      expect(await owed(f, f.others[1])).to.equal(REWARD + BOND + RELAY_FEE);
      expect(await owed(f, f.relayer)).to.equal(0n);
    });

    it("R-A4: a mempool copy of a batch takes no relay fee: it lands nothing, and the original's relayer is paid", async function () {
      const f = await loadFixture(relayFixture);
      await f.escrow
        .connect(f.requester)
        .createTask(await taskParams(f, await time.latest(), { slots: 10n, relayFee: RELAY_FEE }));
      const copier = f.others[1];
      const items = [];
      for (const [i, labeler] of f.labelers.entries()) {
        const o = { nonce: BigInt(i), deadline: f.itemDeadline, bound: f.relayer.address };
        items.push((await signedItem(f.ctx, labeler, 2n, o)).item);
      }
      await expect(f.escrow.connect(copier).relay([groupOf(2n, items)]))
        .to.emit(f.escrow, "RelayedItemSkipped")
        .withArgs(2n, f.labelers[0].address, 0n, 0n, SkipReason.BadSignature)
        .and.not.to.emit(f.escrow, "BatchRelayed");
      const receipt = await (await f.escrow.connect(f.relayer).relay([groupOf(2n, items)])).wait();
      const event = f.escrow.interface.parseLog(receipt!.logs.at(-1)!)!;
      const batch = relayedItemsOf(event.args as unknown as Parameters<typeof relayedItemsOf>[0]);
      await time.setNextBlockTimestamp(batch.header.time + CHALLENGE_PERIOD);
      await expect(
        f.desk.connect(copier).payBatch(event.args.batchId, batch.header, batch.labelers, 0, 3),
      ).to.changeTokenBalances(ethers, f.token, [f.relayer, copier], [3n * RELAY_FEE, 0n]);
      expect(await owed(f, copier)).to.equal(0n);
    });
  });
});

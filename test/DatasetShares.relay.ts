import { expect } from "chai";
import { ZeroAddress, type Signer } from "ethers";
import { network } from "hardhat";

import { COURT_DEFAULTS } from "../ignition/defaults.js";
import {
  ACCEPT,
  REJECT,
  Status,
  commitAll,
  endAppeal,
  jurorsOf,
  revealAll,
  runDrawingCycle,
} from "./helpers/fixtures.js";
import { CHALLENGE_PERIOD, REASON, RESULT, URI, submissionIdOf } from "./helpers/escrow.js";
import { groupOf, relayedItemsOf, signedItem } from "./helpers/relay.js";
import { relayFixtures } from "./helpers/relayFixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { relayFixture } = relayFixtures(ethers, helpers);

/**
 * Task 1 (10 slots) with direct submission 1 (labelers[0]), relayed batch 2 to 5 (labelers[0],
 * labelers[1], others[2] sponsored by the relayer, others[1] sponsored), and direct submission 6
 * (labelers[2]). Nothing is settled yet: the clock is inside the batch's window.
 */
async function landedFixture() {
  const f = await relayFixture();
  const token = await f.token.getAddress();
  await f.desk.connect(f.relayer).depositBonds(token, 2n * f.bond);
  await f.escrow.connect(f.labelers[0]).submit(f.taskId, RESULT, URI, []);
  const d = { deadline: f.itemDeadline, bound: f.relayer.address };
  const signed = [
    await signedItem(f.ctx, f.labelers[0], f.taskId, { ...d, nonce: 1n }),
    await signedItem(f.ctx, f.labelers[1], f.taskId, { ...d, nonce: 2n }),
    await signedItem(f.ctx, f.others[2], f.taskId, { ...d, nonce: 3n, sponsored: true }),
    await signedItem(f.ctx, f.others[1], f.taskId, { ...d, nonce: 4n, sponsored: true }),
  ];
  const receipt = await (
    await f.escrow.connect(f.relayer).relay([
      groupOf(
        f.taskId,
        signed.map((x) => x.item),
      ),
    ])
  ).wait();
  const event = f.escrow.interface.parseLog(receipt!.logs.at(-1)!)!;
  const batch = relayedItemsOf(event.args as unknown as Parameters<typeof relayedItemsOf>[0]);
  await f.escrow.connect(f.labelers[2]).submit(f.taskId, RESULT, URI, []);
  const direct = [submissionIdOf(f.taskId, 1n), submissionIdOf(f.taskId, 6n)];
  for (const id of direct) await f.escrow.connect(f.requester).accept(id);
  const batchId = event.args.batchId as bigint;
  return { ...f, batch, batchId, direct, windowEnd: batch.header.time + CHALLENGE_PERIOD };
}

type Landed = Awaited<ReturnType<typeof landedFixture>>;

/**
 * `landedFixture` closed: item 1 challenged and rejected, item 2 challenged and accepted by the jury,
 * items 0 and 3 paid by `payBatch`; the clock at the task's deadline. Accepted: 2 direct, 3 relayed.
 */
async function closedFixture() {
  const f = await landedFixture();
  const rulings = [
    [1, REJECT],
    [2, ACCEPT],
  ] as const;
  for (const [index] of rulings) await f.desk.connect(f.challenger).challengeRelayed(f.batch.items[index], REASON);
  // Both rounds are drawn in one cycle and share their windows: each jury votes its ruling.
  await runDrawingCycle(f.court, helpers);
  const signers = new Map((await ethers.getSigners()).map((s) => [s.address, s]));
  const votes: [bigint, Map<Signer, number>][] = [];
  for (const [index, ruling] of rulings) {
    const disputeId = (await f.escrow.getSubmission(f.batchId + BigInt(index))).disputeId;
    const jurors = [...(await jurorsOf(f.court, disputeId, 0)).keys()];
    votes.push([disputeId, new Map(jurors.map((j) => [signers.get(j)! as Signer, ruling]))]);
  }
  for (const [disputeId, choices] of votes) await commitAll(ethers, f.court, disputeId, choices);
  const round = await f.court.getRound(votes[0][0], 0);
  await time.increaseTo(round.drawnAt + COURT_DEFAULTS.commitPeriod);
  for (const [disputeId, choices] of votes) await revealAll(ethers, f.court, disputeId, choices);
  await endAppeal(f.court, helpers, votes[0][0]);
  for (const [index] of rulings) await f.escrow.finalize(f.batchId + BigInt(index));
  if (BigInt(await time.latest()) < f.windowEnd) await time.increaseTo(f.windowEnd);
  await f.desk.payBatch(f.batchId, f.batch.header, f.batch.labelers, 0, 4);
  const task = await f.escrow.getTask(f.taskId);
  if (BigInt(await time.latest()) < task.deadline) await time.increaseTo(task.deadline);
  return f;
}

const claimRelayed = (f: Landed, from: number, to: number) =>
  f.shares.claimRelayedShares(f.batchId, f.batch.header, f.batch.labelers, from, to);

const statuses = async (f: Landed, from = 0, to = 4) =>
  f.desk.relayedStatuses(f.batchId, f.batch.header, f.batch.labelers, from, to);

describe("DatasetShares: relayed submissions (docs/dataset-shares.md, docs/relay-design.md A13)", function () {
  it("A13: a relayed submission mints one share to its signer, through either path", async function () {
    const f = await loadFixture(closedFixture);
    const [signer0, sponsoredSigner] = [f.labelers[0].address, f.others[2].address];
    // Item 0, never challenged: only the relayed path names it (the escrow keeps no record of it).
    await expect(f.shares.claimShares([f.batchId])).to.be.revertedWithCustomError(
      f.escrow,
      "TaskEscrowUnknownSubmission",
    );
    const tx = f.shares.connect(f.challenger).claimRelayedShares(f.batchId, f.batch.header, f.batch.labelers, 0, 1);
    await expect(tx).to.emit(f.shares, "SharesClaimed").withArgs(f.batchId, signer0);
    await expect(tx).to.emit(f.shares, "Transfer").withArgs(f.challenger.address, ZeroAddress, signer0, f.taskId, 1n);
    expect(await f.shares.sharesClaimed(f.batchId)).to.equal(true);
    expect(await f.shares.claimRelayedShares.staticCall(f.batchId, f.batch.header, f.batch.labelers, 0, 1)).to.equal(
      0n,
    );
    expect(await f.shares.balanceOf(signer0, f.taskId)).to.equal(1n);
    // Item 2, sponsored by the relayer and accepted by a jury: its record names its signer, so both
    // paths reach it, and whichever runs first mints the only share.
    await expect(f.shares.claimShares([f.batchId + 2n]))
      .to.emit(f.shares, "SharesClaimed")
      .withArgs(f.batchId + 2n, sponsoredSigner);
    expect(await f.shares.claimRelayedShares.staticCall(f.batchId, f.batch.header, f.batch.labelers, 2, 3)).to.equal(
      0n,
    );
    await expect(claimRelayed(f, 2, 4))
      .to.emit(f.shares, "SharesClaimed")
      .withArgs(f.batchId + 3n, f.others[1].address);
    expect(await f.shares.claimShares.staticCall([f.batchId + 2n])).to.equal(0n);
    expect(await f.shares.balanceOf(sponsoredSigner, f.taskId)).to.equal(1n);
    // The relayer, who carried and sponsored the items, holds no share.
    expect(await f.shares.balanceOf(f.relayer.address, f.taskId)).to.equal(0n);
  });

  it("A13: the relayed path first, then claimShares: one share", async function () {
    const f = await loadFixture(closedFixture);
    expect(await f.shares.claimRelayedShares.staticCall(f.batchId, f.batch.header, f.batch.labelers, 2, 3)).to.equal(
      1n,
    );
    await claimRelayed(f, 2, 3);
    expect(await f.shares.claimShares.staticCall([f.batchId + 2n])).to.equal(0n);
    await expect(f.shares.claimShares([f.batchId + 2n])).not.to.emit(f.shares, "SharesClaimed");
    expect(await f.shares.totalSupply(f.taskId)).to.equal(1n);
  });

  it("A2, A13: a forged header, labeler list, range or batch reverts with the escrow's error", async function () {
    const f = await loadFixture(closedFixture);
    const forged = { ...f.batch.header, relayer: f.labelers[0].address };
    await expect(f.shares.claimRelayedShares(f.batchId, forged, f.batch.labelers, 0, 1))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowBadBatchHeader")
      .withArgs(f.batchId);
    // The relayer names itself as item 0's labeler.
    const stolen = ethers.concat([f.relayer.address, ethers.dataSlice(f.batch.labelers, 20)]);
    await expect(f.shares.claimRelayedShares(f.batchId, f.batch.header, stolen, 0, 1))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowLabelersMismatch")
      .withArgs(f.batchId);
    await expect(claimRelayed(f, 3, 5))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowInvalidRange")
      .withArgs(3n, 5n, 4n);
    await expect(claimRelayed(f, 1, 1))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowInvalidRange")
      .withArgs(1n, 1n, 4n);
    // Another start inside the same task: no batch has that id.
    await expect(f.shares.claimRelayedShares(f.batchId + 1n, f.batch.header, f.batch.labelers, 0, 1))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowUnknownBatch")
      .withArgs(f.batchId + 1n);
    expect(await f.shares.totalSupply(f.taskId)).to.equal(0n);
  });

  it("an item that is not accepted is refused with DatasetSharesNotAccepted, and the range mints nothing", async function () {
    const f = await loadFixture(closedFixture);
    await expect(claimRelayed(f, 0, 4))
      .to.be.revertedWithCustomError(f.shares, "DatasetSharesNotAccepted")
      .withArgs(f.batchId + 1n, Status.Rejected);
    expect(await f.shares.sharesClaimed(f.batchId)).to.equal(false);
    expect(await f.shares.totalSupply(f.taskId)).to.equal(0n);
  });

  it("relayedStatuses: Pending until settled, a challenged item's record status, Accepted once paid", async function () {
    const f = await loadFixture(landedFixture);
    expect(await statuses(f)).to.deep.equal([Status.Pending, Status.Pending, Status.Pending, Status.Pending]);
    await f.desk.connect(f.challenger).challengeRelayed(f.batch.items[1], REASON);
    await f.desk.connect(f.requester).acceptRelayed(f.batch.items[3]);
    expect(await statuses(f)).to.deep.equal([Status.Pending, Status.Challenged, Status.Pending, Status.Accepted]);
    expect(await statuses(f, 1, 3)).to.deep.equal([Status.Challenged, Status.Pending]);
    // Past its window an unpaid item is still Pending: only a payout settles it.
    await time.increaseTo(f.windowEnd);
    expect((await statuses(f))[0]).to.equal(Status.Pending);
    await f.desk.claimRelayed(f.batch.items[0]);
    expect((await statuses(f))[0]).to.equal(Status.Accepted);
    const forged = { ...f.batch.header, count: 5n };
    await expect(f.desk.relayedStatuses(f.batchId, forged, f.batch.labelers, 0, 4))
      .to.be.revertedWithCustomError(f.escrow, "TaskEscrowBadBatchHeader")
      .withArgs(f.batchId);
  });

  it("A13: an unpaid relayed item keeps its task open: no share until it is paid", async function () {
    const f = await loadFixture(landedFixture);
    await f.desk.connect(f.requester).acceptRelayed(f.batch.items[0]);
    const task = await f.escrow.getTask(f.taskId);
    await time.increaseTo(task.deadline);
    await expect(claimRelayed(f, 0, 1))
      .to.be.revertedWithCustomError(f.shares, "DatasetSharesTaskOpen")
      .withArgs(f.taskId);
    await f.desk.payBatch(f.batchId, f.batch.header, f.batch.labelers, 0, 4);
    await expect(claimRelayed(f, 0, 4)).to.emit(f.shares, "PoolOpened");
    expect(await f.shares.totalSupply(f.taskId)).to.equal(4n);
    expect((await f.shares.poolOf(f.taskId)).supply).to.equal(6n);
  });

  it("SI: a closed task's share supply equals its accepted direct and relayed items, once all are claimed", async function () {
    const f = await loadFixture(closedFixture);
    const task = await f.escrow.getTask(f.taskId);
    expect(task.accepted).to.equal(5n);
    await f.shares.claimShares(f.direct);
    await claimRelayed(f, 0, 1);
    await claimRelayed(f, 2, 4);
    expect((await f.shares.poolOf(f.taskId)).supply).to.equal(task.accepted);
    expect(await f.shares.totalSupply(f.taskId)).to.equal(task.accepted);
    // Nothing is left to mint through either path.
    expect(await f.shares.claimShares.staticCall([...f.direct, f.batchId + 2n])).to.equal(0n);
    for (const [from, to] of [
      [0, 1],
      [2, 4],
    ]) {
      expect(
        await f.shares.claimRelayedShares.staticCall(f.batchId, f.batch.header, f.batch.labelers, from, to),
      ).to.equal(0n);
    }
  });

  it("a task of direct and relayed submissions: each labeler holds one share per accepted item, whichever path", async function () {
    const f = await loadFixture(closedFixture);
    await claimRelayed(f, 3, 4);
    await f.shares.claimShares([f.direct[1], f.batchId + 2n, f.direct[0]]);
    await claimRelayed(f, 0, 1);
    const holders = [f.labelers[0], f.labelers[1], f.labelers[2], f.others[2], f.others[1], f.relayer];
    const balances = await Promise.all(holders.map((h) => f.shares.balanceOf(h.address, f.taskId)));
    // labelers[0]: direct 1 and relayed item 0; labelers[1]: its item rejected; labelers[2]: direct 6.
    expect(balances).to.deep.equal([2n, 0n, 1n, 1n, 1n, 0n]);
    for (const id of [...f.direct, f.batchId, f.batchId + 2n, f.batchId + 3n]) {
      expect(await f.shares.sharesClaimed(id)).to.equal(true);
    }
    expect(await f.shares.sharesClaimed(f.batchId + 1n)).to.equal(false);
  });
});
